"""consentry harness: drives a device through a scenario while the agent, the proxy and the
UI observer record what the app does. Analysis lives in the separate `analysis` package."""

import os as _os

__version__ = "0.1.0"

# onnxruntime (under the OCR engine) ships 1DS telemetry on Linux since 1.2x: at import it writes a
# device id under ~/.cache, a `.ses` file in $TMPDIR, and uploads usage events. A privacy tool does
# not phone home, and its runs and tests talk to 127.0.0.1 only; the variable must be set before
# onnxruntime initialises, so it is set when the package is imported (a user's own value wins).
_os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
