"""Where the coach keeps people's data: the Store protocol and its backends."""
