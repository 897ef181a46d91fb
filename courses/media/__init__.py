"""Lesson media: ffmpeg (probe, transcode, poster), the media job's work, protected serving."""
