"""Cross-department alerts: rules evaluated on the warehouse, impacts propagated to every area they reach,
a lifecycle people act on, and notifications per department."""
