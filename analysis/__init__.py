"""consentry analysis: run directories -> pandas tables -> findings -> reports.

Never imports `harness`: analysts load runs without any device code."""
