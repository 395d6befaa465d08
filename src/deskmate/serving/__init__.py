"""How deskmate is served: the production web server, the health endpoint, the error pages."""
