"""Request and response bodies, one module per resource, split Base / Create / Update / Public."""
