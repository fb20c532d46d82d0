"""ETL: sources -> validation -> the shared warehouse -> marts. The warehouse schema lives in etl.schema."""
