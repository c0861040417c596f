# consentry: two commands on a fresh Debian machine (as root): `make demo`, `make test`.
# Every target installs what is missing first and installs nothing the second time.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMPS := .stamps
AGENT := harness/_agent/agent.js
AGENT_SRC := $(shell find hooks -path hooks/node_modules -prune -o -type f \( -name '*.ts' -o -name 'package*.json' -o -name 'tsconfig.json' -o -name 'catalogue.yaml' \) -print 2>/dev/null)
SIMLIB := harness/sim/_native/libsimprop.so
SIMLIB_SRC := harness/sim/native/simprop.c
JAVAFW := harness/sim/_java/framework.jar
JAVAFW_SRC := $(shell find harness/sim/java -type f \( -name '*.py' -o -name '*.java' \) 2>/dev/null) harness/android_api.py hooks/catalogue.yaml

.PHONY: setup system venv agent simlib javafw demo test bench lint e2e-emulator clean

setup: system venv simlib agent javafw

# System packages: adb (Debian's real adb server), a C compiler for the sim's native library,
# node/npm for the agent's dependencies, chromium for the report rendering test, Debian's
# OpenJDK 17 (HotSpot; its libjvm.so carries the symbols frida-java-bridge needs) for the sim's
# Java layer and `consentry hooks exercise`.
$(STAMPS)/system:
	@mkdir -p $(STAMPS)
	@missing=""; \
	command -v adb >/dev/null || missing="$$missing adb"; \
	command -v cc >/dev/null || missing="$$missing gcc libc6-dev"; \
	command -v npm >/dev/null || missing="$$missing nodejs npm"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v javac >/dev/null || missing="$$missing openjdk-17-jdk-headless"; \
	if [ -n "$$missing" ]; then \
	  echo "consentry setup: installing system packages:$$missing"; \
	  if [ "$$(id -u)" != 0 ]; then echo "run as root, or install:$$missing" >&2; exit 1; fi; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi
	@touch $@

system: $(STAMPS)/system

$(VENV)/bin/python:
	@PYBIN=$$(scripts/find-python) && echo "consentry setup: creating $(VENV) with $$PYBIN" && $$PYBIN -m venv $(VENV)
	@$(PY) -m pip install -q --upgrade pip

$(STAMPS)/venv: pyproject.toml | $(VENV)/bin/python
	@mkdir -p $(STAMPS)
	@echo "consentry setup: installing the project and its dependencies into $(VENV)"
	@$(PY) -m pip install -q -e '.[dev]'
	@touch $@

venv: $(STAMPS)/venv

# One C source, several libraries (libsimprop.so and SDK-named copies such as libumeng_sim.so);
# the list and the flags live in harness/sim/native/__init__.py (the runtime builds them on demand
# into a cache dir the same way when they are missing, e.g. after `pip install .`).
$(SIMLIB): $(SIMLIB_SRC) harness/sim/native/__init__.py | $(STAMPS)/system
	@mkdir -p $(dir $@)
	@echo "consentry setup: building the sim's native libraries"
	@PY=$$(test -x $(PY) && echo $(PY) || scripts/find-python) && $$PY -m harness.sim.native $(dir $@) >/dev/null

simlib: $(SIMLIB)

$(AGENT): $(AGENT_SRC) $(STAMPS)/venv
	@echo "consentry setup: building the Frida agent"
	@cd hooks && npm ci --no-audit --no-fund --loglevel=error
	@$(PY) -m harness.agent_build

agent: $(AGENT)

# The generated Android framework (API 34) and the exercise program, compiled with javac into
# jars; harness.sim.java.build skips the work when the hash of its inputs is unchanged.
$(JAVAFW): $(JAVAFW_SRC) $(AGENT) | $(STAMPS)/system
	@echo "consentry setup: generating and compiling the sim's Android framework for the JVM"
	@$(PY) -m harness.sim.java.build >/dev/null

javafw: $(JAVAFW)

demo: setup
	@$(VENV)/bin/consentry demo --out demo-out

test: setup
	@$(PY) -m pytest -q -p no:cacheprovider $(PYTEST_ARGS)

bench: setup
	@for b in bench/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

lint: setup
	@$(VENV)/bin/ruff check harness analysis tests bench
	@$(VENV)/bin/mypy harness analysis

e2e-emulator: setup
	@test -n "$$ANDROID_SERIAL" || { echo "set ANDROID_SERIAL to the emulator's serial (adb devices)"; exit 2; }
	@$(VENV)/bin/consentry doctor --device "$$ANDROID_SERIAL"
	@$(VENV)/bin/consentry suite scenarios/suites/full.yaml --devices "$$ANDROID_SERIAL" --out runs/e2e

clean:
	rm -rf $(STAMPS) $(VENV) hooks/node_modules $(AGENT) $(SIMLIB) harness/sim/_java
