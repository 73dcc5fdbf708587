"""Getting data in: the spool drain, the transcript importer, the worker process both use, the
serve-time drain thread.
"""
