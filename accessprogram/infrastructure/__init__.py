"""What the program runs on, apart from its rules: Redis counters and e-mail notices."""
