# consentry: two commands on a fresh Debian machine (as root): `make demo`, `make test`.
# Every target installs what is missing first and installs nothing the second time.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMPS := .stamps
AGENT := harness/_agent/agent.js
AGENT_SRC := $(shell find hooks -path hooks/node_modules -prune -o -type f \( -name '*.ts' -o -name 'package*.json' -o -name 'tsconfig.json' -o -name 'catalogue.yaml' \) -print 2>/dev/null)
SIMLIB := harness/sim/_native/libsimprop.so harness/sim/_native/libsimruntime.so
SIMLIB_SRC := harness/sim/native/simprop.c harness/sim/native/simruntime.c
JAVAFW := harness/sim/_java/framework.jar
JAVAFW_SRC := $(shell find harness/sim/java -type f \( -name '*.py' -o -name '*.java' -o -name '*.java.in' \) 2>/dev/null) harness/android_api.py hooks/catalogue.yaml

.PHONY: setup system venv agent simlib javafw demo test bench fuzz faults lint e2e-emulator clean

# Set-up prints consentry's own progress lines; what pip, npm, apt and the compiler say goes to
# one log file, named (with its last lines) only when a step fails.
SETUP_LOG := $(STAMPS)/setup.log
QUIET = _quiet() { mkdir -p $(STAMPS); echo "== $$(date -u +%FT%TZ) $$*" >>$(SETUP_LOG); \
	"$$@" >>$(SETUP_LOG) 2>&1 || { rc=$$?; echo "consentry setup: failed: $$*" >&2; \
	echo "--- last lines of $(SETUP_LOG) (full output there):" >&2; tail -n 25 $(SETUP_LOG) >&2; exit $$rc; }; }; _quiet

setup: system venv simlib agent javafw

# System packages: adb (Debian's real adb server), a C compiler for the sim's native library,
# node/npm for the agent's dependencies, chromium for the report rendering test, the Noto CJK font
# (screenshots of notices rendered for the OCR tests), tesseract with chi_sim/chi_tra/eng (the
# OCR engine compared with RapidOCR in bench/ui_ocr_engines.py; RapidOCR itself comes from PyPI,
# and its OpenCV needs libGL), and Debian's OpenJDK 17 (HotSpot; its libjvm.so carries the symbols
# frida-java-bridge needs) for the sim's Java layer and `consentry hooks exercise`. Re-checked
# whenever this Makefile changes (a new package here).
$(STAMPS)/system: Makefile
	@mkdir -p $(STAMPS)
	@missing=""; \
	command -v adb >/dev/null || missing="$$missing adb"; \
	command -v cc >/dev/null || missing="$$missing gcc libc6-dev"; \
	command -v npm >/dev/null || missing="$$missing nodejs npm"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	[ -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || missing="$$missing fonts-noto-cjk"; \
	command -v tesseract >/dev/null || missing="$$missing tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-chi-tra tesseract-ocr-eng"; \
	ldconfig -p | grep -q 'libGL.so.1 ' || missing="$$missing libgl1 libglib2.0-0"; \
	command -v javac >/dev/null || missing="$$missing openjdk-17-jdk-headless"; \
	if [ -n "$$missing" ]; then \
	  echo "consentry setup: installing system packages:$$missing"; \
	  if [ "$$(id -u)" != 0 ]; then echo "run as root, or install:$$missing" >&2; exit 1; fi; \
	  $(QUIET) apt-get update -qq && $(QUIET) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi
	@touch $@

system: $(STAMPS)/system

$(VENV)/bin/python:
	@PYBIN=$$(scripts/find-python) && echo "consentry setup: creating $(VENV) with $$PYBIN" && $(QUIET) $$PYBIN -m venv $(VENV)
	@$(QUIET) $(PY) -m pip install --upgrade pip

$(STAMPS)/venv: pyproject.toml | $(VENV)/bin/python
	@mkdir -p $(STAMPS)
	@echo "consentry setup: installing the project and its dependencies into $(VENV)"
	@$(QUIET) $(PY) -m pip install -e '.[dev]'
	@touch $@

venv: $(STAMPS)/venv

# The sim's native libraries: simprop.c built several times (libsimprop.so and SDK-named copies such
# as libumeng_sim.so), and simruntime.c (libsimruntime.so: the app process's in-process HotSpot JVM, built
# against the JDK's jni.h); the list and the flags live in harness/sim/native/__init__.py (the runtime builds them on demand
# into a cache dir the same way when they are missing, e.g. after `pip install .`).
$(SIMLIB) &: $(SIMLIB_SRC) harness/sim/native/__init__.py | $(STAMPS)/system
	@mkdir -p $(dir $@)
	@echo "consentry setup: building the sim's native libraries"
	@PY=$$(test -x $(PY) && echo $(PY) || scripts/find-python) && $(QUIET) $$PY -m harness.sim.native $(dir $@)

simlib: $(SIMLIB)

$(AGENT): $(AGENT_SRC) $(STAMPS)/venv
	@echo "consentry setup: building the Frida agent"
	@$(QUIET) bash -c 'cd hooks && npm ci --no-audit --no-fund'
	@$(QUIET) $(PY) -m harness.agent_build

agent: $(AGENT)

# The generated Android framework (API 34) and the exercise program, compiled with javac into
# jars; harness.sim.java.build skips the work when the hash of its inputs is unchanged. It also builds
# the sim apps' JVM runtime image (jlink of the JDK, the modules jdeps finds in the jars: docs/sim.md).
$(JAVAFW): $(JAVAFW_SRC) $(AGENT) | $(STAMPS)/system
	@echo "consentry setup: generating and compiling the sim's Android framework for the JVM"
	@$(QUIET) $(PY) -m harness.sim.java.build

javafw: $(JAVAFW)

demo: setup
	@$(VENV)/bin/consentry demo --out demo-out

# The tests run on TEST_WORKERS pytest-xdist workers (default 2, the CI machine's cores), one test
# file per unit (`--dist loadfile`): the tests that read the demo suite's runs are in one file, so one
# worker runs the suite once while the other takes the rest, which mostly waits on devices and timers.
# A clean clone took 13.4 min of pytest on two workers, 15.3 min with set-up (2026-12-07), against
# 21.7 min of pytest in one process. (`--dist loadgroup` does not group with pytest 9: xdist 3.8
# renames `item._nodeid`, pytest 9 reads `item._id`, and every worker ran the demo suite.)
# TEST_WORKERS=0: one process.
TEST_WORKERS ?= 2
test: setup
	@$(PY) -m pytest -q -p no:cacheprovider -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# Every benchmark runs (one missing its goal does not stop the others); each appends its rows to
# one JSON lines file (bench/_report.py), then one summary table; exit 1 if any goal was missed.
# The table is also kept as Markdown in bench/last-run.md (the README's figures come from it).
BENCH_RESULTS := $(STAMPS)/bench-results.jsonl
bench: setup
	@rm -f $(BENCH_RESULTS); failed=""; \
	for b in $$(ls bench/*.py | grep -v '/_'); do \
	  echo "== $$b"; CONSENTRY_BENCH_RESULTS=$(BENCH_RESULTS) $(PY) $$b || failed="$$failed $$b"; \
	done; \
	$(PY) bench/_report.py summary $(BENCH_RESULTS) --failed "$$failed" --markdown bench/last-run.md

# Longer fuzzing than the CI profile (tests/fuzz/conftest.py): FUZZ_EXAMPLES examples per target.
FUZZ_EXAMPLES ?= 3000
fuzz: setup
	@echo "consentry fuzz: $(FUZZ_EXAMPLES) examples per target (tests/fuzz)"
	@HYPOTHESIS_PROFILE=fuzz CONSENTRY_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PY) -m pytest -q -p no:cacheprovider tests/fuzz $(PYTEST_ARGS)

# The fault matrix alone (also part of `make test`); docs/reliability.md has its last figures.
faults: setup
	@$(PY) -m pytest -q -p no:cacheprovider -m faults tests $(PYTEST_ARGS)

lint: setup
	@$(VENV)/bin/ruff check harness analysis tests bench
	@$(VENV)/bin/mypy harness analysis

e2e-emulator: setup
	@test -n "$$ANDROID_SERIAL" || { echo "set ANDROID_SERIAL to the emulator's serial (adb devices)"; exit 2; }
	@$(VENV)/bin/consentry doctor --device "$$ANDROID_SERIAL"
	@$(VENV)/bin/consentry suite scenarios/suites/full.yaml --devices "$$ANDROID_SERIAL" --out runs/e2e

clean:
	rm -rf $(STAMPS) $(VENV) hooks/node_modules $(AGENT) harness/sim/_native harness/sim/_java
