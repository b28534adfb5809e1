"""Name, address and code pools of the synthetic population (Sundanese, Javanese, Arabic)."""

from __future__ import annotations

import random
from datetime import date

from simulators.records import age_at

# fmt: off
MALE_FIRST = (
    "AHMAD", "MUHAMMAD", "ASEP", "DEDI", "UJANG", "ENDANG", "AGUS", "BUDI", "DENI", "RIZKY",
    "ABDUL", "JAJANG", "CECEP", "DADANG", "HENDRA", "IWAN", "YUSUF", "FAJAR", "ARIF", "EKO",
    "TUBAGUS", "MA'RUF", "NU'MAN", "SYAFI'I", "RAHMAT", "SAEPUL", "UDIN", "AAN", "WAWAN", "ILHAM",
    "HAERUL", "FIRMAN", "SURYA", "BAYU", "DIMAS", "GILANG", "RIDWAN", "KHAERUDIN", "AMIRUDIN",
    "SOLEH",
)
MALE_SECOND = (
    "FAUZI", "SUNANDAR", "KURNIAWAN", "HIDAYAT", "SETIAWAN", "SAPUTRA", "RAMADHAN", "HAKIM",
    "SURYADI", "MAULANA", "NUGRAHA", "PRATAMA", "FIRDAUS", "ROHMAN", "SOBARI", "JAELANI",
    "MUSTOFA", "ISKANDAR", "WIJAYA", "HERMAWAN", "SANTOSO", "KHOLIL", "BAIHAQI", "RIFA'I",
)
MALE_SINGLE = (
    "SUPRIYADI", "SUGIONO", "SUKARDI", "JUNAEDI", "MULYADI", "SAMSUDIN", "KARTA", "SARMAN",
)
FEMALE_FIRST = (
    "SITI", "NENG", "NUR", "SRI", "DEWI", "RINA", "EUIS", "IIS", "YULI", "FITRI", "LILIS", "TITIN",
    "ENOK", "IMAS", "ANI", "DIAN", "RATU", "NURUL", "INTAN", "AYU", "RABI'AH", "SA'ADAH", "ELIS",
    "KHOIRUN", "MU'AWANAH", "ROSITA", "NOVI", "WULAN", "PUTRI", "AISYAH", "ZAHRA", "HALIMAH",
)
FEMALE_SECOND = (
    "NURHALIZA", "AMINAH", "YULIANTI", "WAHYUNI", "AINI", "KOMALASARI", "RAHMAWATI", "FATIMAH",
    "MARLINA", "HANDAYANI", "NURJANAH", "SUSANTI", "LESTARI", "MULYANI", "KHOTIMAH", "NISA'",
    "ROHMAH", "SAFITRI", "HASANAH", "ZAHROH", "MAESAROH", "JUM'ATI", "KURNIASIH", "NURAENI",
)
FEMALE_SINGLE = (
    "ROHAYATI", "SUMIATI", "KARSIH", "SARINAH", "SUNARSIH", "TARSIH", "MASNAH", "JUWARIAH",
)
FOREIGN_MALE = (
    "JOHN MILLER", "KENJI TANAKA", "AHMED AL-FARSI", "PIERRE DUBOIS", "LEE MIN HO", "DAVID SMITH",
    "HASSAN MAHMOUD", "WANG WEI", "THOMAS MULLER", "RAJESH KUMAR",
)
STREETS = (
    "JL. AHMAD YANI", "JL. MAULANA HASANUDIN", "JL. TRIP JAMAKSARI", "JL. KH. ABDUL FATAH HASAN",
    "JL. RAYA CILEGON", "JL. BHAYANGKARA", "JL. RAYA PANDEGLANG", "JL. SAMPURASUN",
    "JL. MASJID AGUNG",
)
KAMPUNG = (
    "KP. SUKAJAYA", "KP. PEGANTUNGAN", "KP. KEBON JAHE", "KP. KALANGANYAR", "KP. CIBOGO",
    "KP. PERUMNAS", "KP. SEMPU", "KP. PABUARAN", "KP. BENDUNG", "KP. LEBAK",
)
BIRTHPLACES = (
    "SERANG", "SERANG", "SERANG", "PANDEGLANG", "LEBAK", "CILEGON", "TANGERANG", "JAKARTA",
    "BANDUNG", "BOGOR", "BREBES", "CIREBON",
)
FOREIGN_BIRTHPLACES = (
    "SYDNEY", "OSAKA", "MUSCAT", "LYON", "SEOUL", "LONDON", "CAIRO", "SHANGHAI",
)
AGAMA_WEIGHTS = {
    "ISLAM": 94.0, "KRISTEN": 3.0, "KATHOLIK": 1.5, "BUDHA": 1.0, "HINDU": 0.3, "KHONGHUCU": 0.2,
}
GOLONGAN_DARAH = (
    "A", "B", "AB", "O", "A+", "B+", "O+", "AB+", "TIDAK TAHU", "TIDAK TAHU",
)
PENDIDIKAN_ADULT = (
    "TAMAT SD/SEDERAJAT", "SLTP/SEDERAJAT", "SLTA/SEDERAJAT", "SLTA/SEDERAJAT", "DIPLOMA I/II",
    "AKADEMI/DIPLOMA III/S. MUDA", "DIPLOMA IV/STRATA I", "STRATA II",
)
PEKERJAAN_MALE = (
    "KARYAWAN SWASTA", "WIRASWASTA", "BURUH HARIAN LEPAS", "PEDAGANG", "PETANI/PEKEBUN",
    "APARATUR SIPIL NEGARA (ASN)", "SOPIR", "NELAYAN/PERIKANAN", "GURU", "POLRI", "TNI",
)
PEKERJAAN_FEMALE = (
    "MENGURUS RUMAH TANGGA", "MENGURUS RUMAH TANGGA", "MENGURUS RUMAH TANGGA", "KARYAWAN SWASTA",
    "WIRASWASTA", "PEDAGANG", "GURU", "BIDAN", "APARATUR SIPIL NEGARA (ASN)",
)
# fmt: on


def person_name(rng: random.Random, sex: str) -> str:
    """Mostly two words, some single names (older Javanese style), some three."""
    first, second, single = (
        (MALE_FIRST, MALE_SECOND, MALE_SINGLE)
        if sex == "L"
        else (FEMALE_FIRST, FEMALE_SECOND, FEMALE_SINGLE)
    )
    roll = rng.random()
    if roll < 0.12:
        return rng.choice(single)
    if roll < 0.22:
        return f"{rng.choice(first)} {rng.choice(second)} {rng.choice(second)}"
    return f"{rng.choice(first)} {rng.choice(second)}"


def parents_names(rng: random.Random) -> dict[str, str | None]:
    """Nama ayah/ibu of someone whose parents are not on the KK."""
    return {"nama_ayah": person_name(rng, "L"), "nama_ibu": person_name(rng, "P")}


def address(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return f"{rng.choice(STREETS)} NO. {rng.randint(1, 150)}"
    return rng.choice(KAMPUNG)


def child_school(born: date) -> dict[str, str | None]:
    """Pendidikan and pekerjaan by age (domain.md 2.3: newborn TIDAK/BELUM SEKOLAH)."""
    age = age_at(born)
    levels = (
        (6, "TIDAK/BELUM SEKOLAH"),
        (12, "BELUM TAMAT SD/SEDERAJAT"),
        (15, "TAMAT SD/SEDERAJAT"),
    )
    pendidikan = next((level for limit, level in levels if age < limit), "SLTP/SEDERAJAT")
    return {
        "pendidikan": pendidikan,
        "pekerjaan": "BELUM/TIDAK BEKERJA" if age < 6 else "PELAJAR/MAHASISWA",
    }
