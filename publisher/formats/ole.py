"""OLE compound files (MS-CFB): Word, PowerPoint and Excel 97-2003 told apart by the name
of their main stream in the file's directory."""

from __future__ import annotations

import struct
from typing import BinaryIO

from publisher.formats.common import UnreadableError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# Word, PowerPoint and Excel 97-2003 files are all OLE compound files; the name of the main
# stream in the file's directory tells them apart.
_OLE_STREAMS = {"WordDocument": "DOC", "PowerPoint Document": "PPT", "Workbook": "XLS",
                "Book": "XLS"}
_OLE_LAST_SECTOR = 0xFFFFFFF9  # larger sector numbers mark free sectors and chain ends
_OLE_MAX_DIRECTORY_SECTORS = 4096


def ole_format(file: BinaryIO) -> str:
    try:
        names = _ole_entry_names(file)
    except (UnreadableError, struct.error):
        return "OLE"
    return next((code for name, code in _OLE_STREAMS.items() if name in names), "OLE")


def _ole_entry_names(file: BinaryIO) -> set[str]:
    """The names in a compound file's directory (MS-CFB 2.2, 2.6), following its sector chain."""
    file.seek(0)
    header = file.read(512)
    shift = struct.unpack_from("<H", header, 30)[0]
    if shift not in (9, 12):
        raise UnreadableError(f"sector size 2**{shift} is not 512 or 4096")
    sector_size = 1 << shift
    fat_sectors = _ole_fat_sectors(file, header, sector_size)
    names: set[str] = set()
    sector = struct.unpack_from("<I", header, 48)[0]
    for _ in range(_OLE_MAX_DIRECTORY_SECTORS):
        if sector > _OLE_LAST_SECTOR:
            return names
        data = _ole_sector(file, sector, sector_size)
        for offset in range(0, sector_size, 128):
            name_bytes = struct.unpack_from("<H", data, offset + 64)[0]
            if data[offset + 66] in (1, 2) and 2 <= name_bytes <= 64:
                names.add(data[offset:offset + name_bytes - 2].decode("utf-16-le", "replace"))
        sector = _ole_next_sector(file, fat_sectors, sector, sector_size)
    return names


def _ole_fat_sectors(file: BinaryIO, header: bytes, sector_size: int) -> list[int]:
    """Where the FAT lives: 109 sector numbers in the header, then a chain of DIFAT sectors."""
    fat = list(struct.unpack_from("<109I", header, 76))
    sector, count = struct.unpack_from("<II", header, 68)
    per_sector = sector_size // 4 - 1
    for _ in range(min(count, _OLE_MAX_DIRECTORY_SECTORS)):
        if sector > _OLE_LAST_SECTOR:
            break
        entries = struct.unpack(f"<{per_sector + 1}I", _ole_sector(file, sector, sector_size))
        fat.extend(entries[:per_sector])
        sector = entries[per_sector]
    return fat


def _ole_next_sector(file: BinaryIO, fat_sectors: list[int], sector: int, size: int) -> int:
    per_sector = size // 4
    index = sector // per_sector
    if index >= len(fat_sectors) or fat_sectors[index] > _OLE_LAST_SECTOR:
        raise UnreadableError(f"sector {sector} is not in the allocation table")
    data = _ole_sector(file, fat_sectors[index], size)
    return int(struct.unpack_from("<I", data, (sector % per_sector) * 4)[0])


def _ole_sector(file: BinaryIO, sector: int, size: int) -> bytes:
    file.seek((sector + 1) * size)  # sector 0 follows the header, which fills one sector
    data = file.read(size)
    if len(data) != size:
        raise UnreadableError(f"sector {sector} lies past the end of the file")
    return data
