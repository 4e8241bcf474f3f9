"""The rule engine: schema, loader, registry, and one module per rule type."""
