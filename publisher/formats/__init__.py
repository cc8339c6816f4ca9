"""File formats told apart by their content, and what publish reads of each.

One module per family, each reading by seeking, never a whole file: ``sniff`` (magic
numbers, the text sniff, ``identify`` and ``describe``), ``zipfiles`` (ZIP, Office Open
XML, OpenDocument), ``ole`` (Office 97-2003 compound files), ``mp4`` (ISO base media
boxes), ``srt`` (SubRip captions), ``pdf`` (page count) and ``images`` (image headers).
None of them knows what LinkedIn accepts: that is ``publisher.mediarules``.
"""
