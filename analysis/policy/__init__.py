"""Reading privacy policies: what categories of personal information, which third-party SDKs and
which purposes a policy declares (`read_policy`), and the run's captured policy (`run_policy`).
Pure analysis: no device, no harness imports."""

from analysis.policy.reader import DeclaredSdk, PolicyReading, read_policy, read_policy_file

__all__ = ["DeclaredSdk", "PolicyReading", "read_policy", "read_policy_file"]
