"""What generation runs on, apart from its rules: output storage, HTTP media responses with Range, and the
messages that wake the workers."""
