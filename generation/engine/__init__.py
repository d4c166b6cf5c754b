"""The GPU generation path without Django: pipeline families, loading, generation, marking and encoding.

Every module here is cheap to import. torch, diffusers and invisible-watermark (which imports torch)
are imported inside the functions that need them, so only processes that load a pipeline, build the
demo model or read a legacy forensic mark pay for them.
"""
