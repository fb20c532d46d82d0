"""The orchestrator: one whole refresh (load -> marts -> forecasts -> alerts) for the command line and the app's
background worker. It sits above etl/, forecasting/ and alerts/; none of them imports it."""
