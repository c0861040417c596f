"""Personal information in traffic: identity variants, body decoding, one-pass multi-pattern scan,
and readers for run directories, HAR files and mitmproxy flow files.

Public API (used by the analysis pipeline and `consentry pii scan`):
- `load_identity(path) -> dict`
- `Scanner(identity)`: `.scan_flows(flows_df, body_loader) -> DataFrame` (DETECTION_COLUMNS),
  `.scan(...) -> ScanResult(detections, notes)`
- `detect_run(run_dir) -> DataFrame`
"""

from analysis.pii.identity import PiiInputError, load_identity, normalise_identity
from analysis.pii.readers import detect_run, read_capture
from analysis.pii.scanner import DETECTION_COLUMNS, NOTE_COLUMNS, Scanner, ScanResult

__all__ = [
    "DETECTION_COLUMNS", "NOTE_COLUMNS", "PiiInputError", "ScanResult", "Scanner", "detect_run",
    "load_identity", "normalise_identity", "read_capture",
]
