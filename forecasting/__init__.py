"""Sales forecasts: pure models and backtests (models, metrics, backtest, reconcile) and a runner for the I/O."""
