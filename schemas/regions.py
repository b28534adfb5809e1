"""Region codes (Kepmendagri, via domain.md 6): Banten, Kota Serang's kecamatan and kelurahan."""

from __future__ import annotations

BANTEN = "36"
KOTA_SERANG = "3673"

# The 38 provinces (Kepmendagri 300.2.2-2138/2025, cahyadsn/wilayah db/wilayah.sql; domain.md 6);
# 93-96 are the Papua provinces formed in 2022. A NIK's first two digits (domain.md 1.1).
PROVINCES: dict[str, str] = {
    "11": "Aceh", "12": "Sumatera Utara", "13": "Sumatera Barat", "14": "Riau", "15": "Jambi",
    "16": "Sumatera Selatan", "17": "Bengkulu", "18": "Lampung",
    "19": "Kepulauan Bangka Belitung", "21": "Kepulauan Riau", "31": "DKI Jakarta",
    "32": "Jawa Barat", "33": "Jawa Tengah", "34": "Daerah Istimewa Yogyakarta",
    "35": "Jawa Timur", "36": "Banten", "51": "Bali", "52": "Nusa Tenggara Barat",
    "53": "Nusa Tenggara Timur", "61": "Kalimantan Barat", "62": "Kalimantan Tengah",
    "63": "Kalimantan Selatan", "64": "Kalimantan Timur", "65": "Kalimantan Utara",
    "71": "Sulawesi Utara", "72": "Sulawesi Tengah", "73": "Sulawesi Selatan",
    "74": "Sulawesi Tenggara", "75": "Gorontalo", "76": "Sulawesi Barat", "81": "Maluku",
    "82": "Maluku Utara", "91": "Papua", "92": "Papua Barat", "93": "Papua Selatan",
    "94": "Papua Tengah", "95": "Papua Pegunungan", "96": "Papua Barat Daya",
}

BANTEN_REGENCIES: dict[str, str] = {
    "3601": "Kabupaten Pandeglang", "3602": "Kabupaten Lebak", "3603": "Kabupaten Tangerang",
    "3604": "Kabupaten Serang", "3671": "Kota Tangerang", "3672": "Kota Cilegon",
    "3673": "Kota Serang", "3674": "Kota Tangerang Selatan",
}

KOTA_SERANG_KECAMATAN: dict[str, str] = {
    "367301": "Serang", "367302": "Kasemen", "367303": "Walantaka",
    "367304": "Curug", "367305": "Cipocok Jaya", "367306": "Taktakan",
}

_KELURAHAN = {
    "367301": "1001 Serang|1002 Cipare|1003 Sumur Pecung|1004 Kota Baru|1005 Lopang|1006 Cimuncang|"
              "1007 Unyur|1008 Sukawana|1009 Lontarbaru|1010 Kaligandu|1011 Terondol|1012 Kagungan",
    "367302": "1001 Kasemen|1002 Mesjid Priyayi|1003 Terumbu|1004 Warung Jaud|1006 Bendung|"
              "1007 Banten|1008 Sawah Luhur|1009 Kilasah|1010 Kasunyatan|1011 Margaluyu",
    "367303": "1001 Walantaka|1002 Cigoong|1003 Nyapah|1004 Pangampelan|1006 Kiara|"
              "1007 Pager Agung|1008 Kalodran|1009 Kapuren|1010 Teritih|1011 Pabuaran|"
              "1012 Pasuluhan|1013 Tegalsari|1014 Pipitan|1016 Lebakwangi",
    "367304": "1001 Curug|1002 Tinggar|1003 Kemanisan|1004 Cipete|1005 Cilaku|1006 Pancalaksana|"
              "1007 Sukawana|1008 Sukalaksana|1009 Curug Manis|1010 Sukajaya",
    "367305": "1001 Cipocok Jaya|1002 Karundang|1003 Panancangan|1004 Banjar Agung|1005 Banjarsari|"
              "1006 Tembong|1007 Dalung|1008 Gelam",
    "367306": "1001 Taktakan|1002 Sayar|1003 Pancur|1004 Kuranji|1005 Kalanganyar|1006 Cilowong|"
              "1007 Panggungjati|1008 Drangong|1009 Umbul Tengah|1010 Sepang|1011 Lialang|"
              "1012 Taman Baru|1013 Cibendung",
}

KOTA_SERANG_KELURAHAN: dict[str, str] = {
    kec + entry[:4]: entry[5:]
    for kec, entries in _KELURAHAN.items()
    for entry in entries.split("|")
}

# Indonesia's three zones, no DST (domain.md 11): the birth date is taken in the birthplace's zone
_WITA_PROVINCES = {"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"}
_WIT_PROVINCES = {"81", "82", "91", "92", "93", "94", "95", "96"}


def utc_offset_hours(regency_code: str) -> int:
    province = regency_code[:2]
    if province in _WIT_PROVINCES:
        return 9
    return 8 if province in _WITA_PROVINCES else 7


def is_regency_code(code: str) -> bool:
    """4 digits of a known province, then kabupaten 01-69 or kota 71-99 (Permendagri 58/2021).

    The format only: regencies get split and renamed, so no list of today's regencies decides."""
    if len(code) != 4 or not code.isascii() or not code.isdigit() or code[:2] not in PROVINCES:
        return False
    return 1 <= int(code[2:]) <= 69 or 71 <= int(code[2:]) <= 99
