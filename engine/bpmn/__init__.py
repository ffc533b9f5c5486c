"""Running SpiffWorkflow: the one way the engine runs a workflow, restricted scripting, serialization."""
