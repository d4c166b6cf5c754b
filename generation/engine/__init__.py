"""The GPU generation path without Django: pipeline families, loading, generation, marking and encoding.

Only `families` and `watermark` (until a forensic mark is embedded or decoded) are cheap to import;
`runner` and `demo_model` import torch and diffusers inside their functions, for the worker alone.
"""
