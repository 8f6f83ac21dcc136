"""Column names as a second signal, in several languages (en, de, fr, es, it, nl, pt, sv)."""

from __future__ import annotations

import re

from dataops.anonymize.scan import detect

SECRET = "secret"  # noqa: S105 - a kind name, not a password
USERNAME = "username"
CITY = "city"
POSTAL_CODE = "postal_code"

#: kind -> name keys; a key matches a whole word of the column name, or (keys of 5+
#: characters) a part of a compound word (``geburtsdatum``, ``customeremail``)
NAME_KEYS: dict[str, tuple[str, ...]] = {
    detect.EMAIL: ("email", "e_mail", "mail", "emailaddress", "correo", "courriel", "epost"),
    detect.PHONE: (
        "phone", "tel", "telephone", "telefon", "telefono", "telefone", "telefoon", "mobile",
        "mobil", "cell", "cellphone", "handy", "portable", "movil", "cellulare", "fax", "msisdn",
    ),
    detect.NATIONAL_ID: (
        "ssn", "social_security", "socialsecurity", "national_id", "nationalid", "nin", "nino",
        "bsn", "dni", "nie", "nif", "nir", "personnummer", "codice_fiscale", "codicefiscale",
        "steuerid", "steuernummer", "tax_id", "taxid", "passport", "reisepass", "passeport",
        "id_card", "idcard", "ausweis", "personalausweis", "cpf", "pesel", "insee",
    ),
    detect.IBAN: ("iban", "bank_account", "bankaccount", "konto", "kontonummer", "rib", "bic"),
    detect.CARD: ("card_number", "cardnumber", "credit_card", "creditcard", "cc_number", "pan",
                  "kreditkarte", "carte_bancaire", "tarjeta"),
    detect.DATE_OF_BIRTH: (
        "dob", "birth", "birthday", "birthdate", "born", "geburt", "geburtsdatum", "geboren",
        "naissance", "date_naissance", "nacimiento", "fecha_nacimiento", "nascita",
        "geboorte", "geboortedatum", "nascimento", "fodelsedag", "fødselsdato",
    ),
    detect.FIRST_NAME: ("first_name", "firstname", "given_name", "givenname", "forename",
                        "vorname", "prenom", "prénom", "nombre", "nome", "voornaam", "fornamn"),
    detect.LAST_NAME: ("last_name", "lastname", "surname", "family_name", "familyname",
                       "nachname", "familienname", "nom", "nom_famille", "apellido", "apellidos",
                       "cognome", "achternaam", "sobrenome", "efternamn"),
    detect.PERSON_NAME: ("full_name", "fullname", "person_name", "contact_name", "owner_name",
                         "customer_name", "display_name", "holder_name", "cardholder",
                         "recipient"),
    detect.ADDRESS: ("address", "addr", "street", "street_address", "adresse", "anschrift",
                     "strasse", "straße", "direccion", "dirección", "indirizzo", "rue",
                     "endereco", "adres", "address_line", "address1", "address2"),
    detect.IP: ("ip", "ip_address", "ipaddress", "ip_addr", "remote_addr", "client_ip",
                "remote_ip", "last_ip", "inet"),
    SECRET: ("password", "passwd", "pwd", "passwort", "mot_de_passe", "contrasena", "token",
             "secret", "api_key", "apikey", "password_hash", "otp", "salt"),
    USERNAME: ("username", "user_name", "login", "nickname", "benutzername", "handle"),
    CITY: ("city", "town", "ort", "stadt", "ville", "ciudad", "citta", "città", "plaats", "stad"),
    POSTAL_CODE: ("zip", "zipcode", "zip_code", "postal_code", "postalcode", "postcode", "plz",
                  "postleitzahl", "code_postal", "codigo_postal", "cap", "cep"),
}  # fmt: skip

#: names that contain a key but mean something else
_NOT = re.compile(
    r"(?:^|_)(?:id|count|type|status|flag|hash_algo|format|template|length|enabled|verified|at|on|opt_in|optin|consent)$"
)
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


#: tables whose bare ``name`` column names a person
PERSON_TABLES = frozenset(
    [
        "customer",
        "customers",
        "client",
        "clients",
        "user",
        "users",
        "person",
        "persons",
        "people",
        "employee",
        "employees",
        "staff",
        "member",
        "members",
        "patient",
        "patients",
        "contact",
        "contacts",
        "author",
        "authors",
        "student",
        "students",
        "account",
        "accounts",
        "owner",
        "owners",
        "kunde",
        "kunden",
        "mitarbeiter",
        "personne",
        "utilisateur",
        "cliente",
        "usuario",
        "persona",
        "utente",
        "dipendente",
        "klant",
        "klanten",
        "gebruiker",
    ]
)


def words(column: str) -> list[str]:
    spaced = _CAMEL.sub("_", column)
    return [w for w in re.split(r"[^\w]+|_", spaced.lower()) if w]


def name_kind(column: str, table: str = "") -> str | None:
    """The kind of personal data a column's name suggests, or None (``table``: the
    table's name, which makes a bare ``name`` column a person's name)."""
    ws = words(column)
    if not ws:
        return None
    if ws == ["name"]:
        return detect.PERSON_NAME if set(words(table)) & PERSON_TABLES else None
    joined = "_".join(ws)
    compact = "".join(ws)
    if _NOT.search(joined) and ws[-1] not in ("at", "on"):
        return None
    if ws[-1] in ("at", "on") and len(ws) > 1 and ws[0] in ("born",):
        return detect.DATE_OF_BIRTH
    best: tuple[int, str] | None = None
    for kind, keys in NAME_KEYS.items():
        for key in keys:
            kw = key.replace("_", "")
            hit = (
                key in ws
                or joined == key
                or f"_{key}_" in f"_{joined}_"
                or (len(kw) >= 5 and kw in compact)
            )
            if hit and (best is None or len(kw) > best[0]):
                best = (len(kw), kind)
    return best[1] if best else None
