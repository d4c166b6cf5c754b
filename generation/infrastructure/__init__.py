"""What generation runs on, apart from its rules: output storage and HTTP media responses with Range."""
