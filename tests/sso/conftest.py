# The provider is a separate Django project started as its own process, never imported here.
collect_ignore = ["provider"]
