"""Beyond one host: runs as tasks on a Dask distributed cluster, each job published exactly once.

Workers on emulator hosts own a pool of devices (`consentry farm worker`, or a `dask worker` with
`--resources emulator=N` and `CONSENTRY_DEVICES`); each task runs one job (suite, app, scenario,
repetition) on a free device of its worker, into a staging folder, and publishes it under the
job's key with one atomic rename (`layout.py`). Jobs whose run is lost with their worker or device
are retried elsewhere (`drive.py`), and `consentry farm` started again does only what is left.

Modules: `jobs` (the job and its key), `layout` (the output folder), `pool` (a worker's devices),
`task` (one attempt, on the worker), `drive` (the client loop), `display` and `command`
(`consentry farm`), `worker` and `gate` (`consentry farm worker`, doctor per device)."""

from harness.farm.jobs import FarmJob, build_jobs, job_key
from harness.farm.layout import FarmOut
from harness.farm.pool import device_pool, set_device_pool
from harness.farm.task import RunSettings, run_job

__all__ = ["FarmJob", "FarmOut", "RunSettings", "build_jobs", "device_pool", "job_key", "run_job",
           "set_device_pool"]
