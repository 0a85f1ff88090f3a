//! Every label a summary or a slip prints, in English and Kiswahili.
//!
//! One struct of labels per language, so a label missing in either language does not compile.
//! The Kiswahili terms follow the desktop app's (`ui/src/lib/strings.ts`) and the project's
//! glossary of English → Kiswahili terms.

use crate::domain::{Agency, IncidentType, Indicator, Lang, SourceKind, Species, Urgency};
use crate::vocabulary;

/// The labels of one language.
#[derive(Debug)]
pub struct Words {
    pub title: &'static str,
    pub slip_title: &'static str,
    pub area: &'static str,
    pub period: &'static str,
    pub previous_period: &'static str,
    pub prepared_by: &'static str,
    pub prepared_on: &'static str,
    pub edition_public: &'static str,
    pub edition_public_note: &'static str,
    pub edition_restricted: &'static str,
    pub edition_restricted_note: &'static str,
    pub edition: &'static str,
    /// "Page {n} of {m}".
    pub page_of: &'static str,
    pub key_figures: &'static str,
    pub figure: &'static str,
    pub this_period: &'static str,
    pub previous: &'static str,
    pub change: &'static str,
    pub incidents_all: &'static str,
    pub incidents_by_type: &'static str,
    pub people: &'static str,
    pub killed: &'static str,
    pub injured: &'static str,
    pub abducted: &'static str,
    pub men: &'static str,
    pub women: &'static str,
    pub children: &'static str,
    pub not_split: &'static str,
    pub livestock: &'static str,
    pub species: &'static str,
    pub stolen: &'static str,
    pub recovered: &'static str,
    pub livestock_killed: &'static str,
    pub livestock_chart: &'static str,
    pub livestock_stolen: &'static str,
    pub livestock_recovered: &'static str,
    pub recorded_by: &'static str,
    pub firearms: &'static str,
    pub arrests: &'static str,
    pub arrested: &'static str,
    pub firearms_recovered: &'static str,
    pub early_warnings_count: &'static str,
    pub peace_meetings_count: &'static str,
    pub recoveries_count: &'static str,
    pub open_count: &'static str,
    pub incident_log: &'static str,
    pub when: &'static str,
    pub place: &'static str,
    pub kind: &'static str,
    pub what_happened: &'static str,
    pub agency: &'static str,
    pub action: &'static str,
    pub ob: &'static str,
    pub status: &'static str,
    pub id: &'static str,
    pub hotspots: &'static str,
    pub incidents: &'static str,
    pub early_warnings: &'static str,
    pub peace_and_recoveries: &'static str,
    pub open_incidents: &'static str,
    pub pending: &'static str,
    pub waiting_for: &'static str,
    pub waiting_send: &'static str,
    pub waiting_ack: &'static str,
    pub waiting_response: &'static str,
    pub operation: &'static str,
    pub dates: &'static str,
    pub gaps: &'static str,
    pub no_gaps: &'static str,
    pub agencies_told: &'static str,
    pub none: &'static str,
    pub nothing_recorded: &'static str,
    /// "and {n} more: see the incident log".
    pub more: &'static str,
    pub sign_off: &'static str,
    pub chief: &'static str,
    pub acc: &'static str,
    pub dcc: &'static str,
    pub name: &'static str,
    pub signature: &'static str,
    pub date: &'static str,
    pub unknown_number: &'static str,
    /// "at least {n}".
    pub at_least: &'static str,
    /// "about {n}".
    pub about: &'static str,
    /// "plus an unknown number of {what}".
    pub plus_unknown: &'static str,
    pub and: &'static str,
    pub no_livestock: &'static str,
    pub source: &'static str,
    pub suspects: &'static str,
    pub suspect_names: &'static str,
    pub suspect_group: &'static str,
    pub gps: &'static str,
    pub restricted_details: &'static str,
    pub counting_note: &'static str,
    pub urgency: &'static str,
    pub reported_by: &'static str,
    pub recorded: &'static str,
    pub timeline: &'static str,
    pub ledger_hash: &'static str,
    pub ledger_hash_note: &'static str,
    pub filed: &'static str,
    pub amended: &'static str,
    pub redacted: &'static str,
    pub source_recorded: &'static str,
    pub received_by_county: &'static str,
    pub update: &'static str,
    pub entry: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub armed: &'static str,
    pub count: &'static str,
    pub direction: &'static str,
    pub estimate: &'static str,
    pub lead_agency: &'static str,
    /// Beside the lead agency in a narrow column.
    pub lead: &'static str,
    pub narrative_cut: &'static str,
    pub figures_sheet: &'static str,
    pub incidents_sheet: &'static str,
    pub section: &'static str,
    pub unit_col: &'static str,
    pub note: &'static str,
}

pub const EN: Words = Words {
    title: "Security summary",
    slip_title: "Report slip",
    area: "Area",
    period: "Reporting period",
    previous_period: "Previous period",
    prepared_by: "Prepared by",
    prepared_on: "Prepared on",
    edition_public: "PUBLIC EDITION",
    edition_public_note:
        "for the baraza: no sources, no suspects' names or group, no exact locations",
    edition_restricted: "RESTRICTED EDITION",
    edition_restricted_note:
        "for the security committee only: holds the sources, suspects' names and exact \
         locations this device may read",
    edition: "Edition",
    page_of: "Page {n} of {m}",
    key_figures: "Key figures",
    figure: "Figure",
    this_period: "This period",
    previous: "Previous period",
    change: "Change",
    incidents_all: "Incidents, all types",
    incidents_by_type: "Incidents by type",
    people: "People",
    killed: "Killed",
    injured: "Injured",
    abducted: "Abducted",
    men: "men",
    women: "women",
    children: "children",
    not_split: "not split",
    livestock: "Livestock",
    species: "Animal",
    stolen: "Stolen",
    recovered: "Recovered",
    livestock_killed: "Killed",
    livestock_chart: "Livestock stolen and recovered",
    livestock_stolen: "Livestock stolen",
    livestock_recovered: "Livestock recovered",
    recorded_by: "Recorded by",
    firearms: "Illegal firearms (seen, recovered or surrendered)",
    arrests: "Arrests",
    arrested: "People arrested (recorded when closing)",
    firearms_recovered: "Firearms recovered (recorded when closing)",
    early_warnings_count: "Early-warning signs",
    peace_meetings_count: "Peace meetings",
    recoveries_count: "Livestock recoveries",
    open_count: "Open incidents",
    incident_log: "Incident log",
    when: "Date and time",
    place: "Place",
    kind: "Type",
    what_happened: "What happened",
    agency: "Lead / responding agency",
    action: "Action taken",
    ob: "OB number",
    status: "Status",
    id: "Report id",
    hotspots: "Hotspots: the areas with the most incidents",
    incidents: "Incidents",
    early_warnings: "Early-warning signs",
    peace_and_recoveries: "Peace meetings and recoveries",
    open_incidents: "Open incidents",
    pending: "Pending actions and needs",
    waiting_for: "Waiting for",
    waiting_send: "to be sent to the county",
    waiting_ack: "an agency to acknowledge",
    waiting_response: "the response to end",
    operation: "Operation (needs assessment)",
    dates: "Dates",
    gaps: "Still needed",
    no_gaps: "nothing missing",
    agencies_told: "Agencies told",
    none: "None",
    nothing_recorded: "None recorded in this period.",
    more: "and {n} more: see the incident log",
    sign_off: "Sign-off",
    chief: "Chief",
    acc: "Assistant County Commissioner",
    dcc: "Deputy County Commissioner",
    name: "Name",
    signature: "Signature",
    date: "Date",
    unknown_number: "unknown number",
    at_least: "at least {n}",
    about: "about {n}",
    plus_unknown: "plus an unknown number of {what}",
    and: "and",
    no_livestock: "No livestock recorded as stolen, recovered or killed.",
    source: "Source",
    suspects: "Suspects",
    suspect_names: "Names",
    suspect_group: "Group",
    gps: "GPS",
    restricted_details: "Restricted",
    counting_note:
        "Each report is one incident, counted in the period and area where it happened; \
        people and livestock are added up from each incident's latest figures. \"About\" means \
        some numbers are estimates; \"at least\" means some reports gave no number.",
    urgency: "Urgency",
    reported_by: "Reported by",
    recorded: "Recorded",
    timeline: "What happened to this report",
    ledger_hash: "Ledger hash of the filing",
    ledger_hash_note: "Check a printed slip against the record: `usalama report show ID --json` \
        gives the same hash for the filing entry, and `usalama verify` checks every signature.",
    filed: "Filed",
    amended: "Information added",
    redacted: "Content removed (redacted)",
    source_recorded: "Restricted details recorded (source, suspects' names)",
    received_by_county: "Received by the county",
    update: "Update",
    entry: "Entry",
    yes: "Yes",
    no: "No",
    armed: "armed",
    count: "Number",
    direction: "direction",
    estimate: "estimate",
    lead_agency: "Lead agency",
    lead: "lead",
    narrative_cut: "(cut short; the whole text is in the record)",
    figures_sheet: "Figures",
    incidents_sheet: "Incidents",
    section: "Section",
    unit_col: "Unit",
    note: "Note",
};

pub const SW: Words = Words {
    title: "Muhtasari wa usalama",
    slip_title: "Hati ya ripoti",
    area: "Eneo",
    period: "Kipindi cha ripoti",
    previous_period: "Kipindi kilichotangulia",
    prepared_by: "Imeandaliwa na",
    prepared_on: "Imeandaliwa tarehe",
    edition_public: "TOLEO LA UMMA",
    edition_public_note:
        "kwa baraza: bila vyanzo, majina wala kundi la washukiwa, wala mahali kamili",
    edition_restricted: "TOLEO LA SIRI",
    edition_restricted_note:
        "kwa kamati ya usalama pekee: lina vyanzo, majina ya washukiwa na mahali kamili \
         ambavyo kifaa hiki kinaruhusiwa kusoma",
    edition: "Toleo",
    page_of: "Ukurasa {n} kati ya {m}",
    key_figures: "Takwimu muhimu",
    figure: "Takwimu",
    this_period: "Kipindi hiki",
    previous: "Kipindi kilichotangulia",
    change: "Mabadiliko",
    incidents_all: "Matukio, aina zote",
    incidents_by_type: "Matukio kwa aina",
    people: "Watu",
    killed: "Waliouawa",
    injured: "Waliojeruhiwa",
    abducted: "Waliotekwa nyara",
    men: "wanaume",
    women: "wanawake",
    children: "watoto",
    not_split: "bila mgawanyo",
    livestock: "Mifugo",
    species: "Mnyama",
    stolen: "Walioibwa",
    recovered: "Waliorejeshwa",
    livestock_killed: "Waliouawa",
    livestock_chart: "Mifugo iliyoibwa na iliyorejeshwa",
    livestock_stolen: "Mifugo iliyoibwa",
    livestock_recovered: "Mifugo iliyorejeshwa",
    recorded_by: "Imerekodiwa na",
    firearms: "Bunduki haramu (zilizoonekana, kupatikana au kusalimishwa)",
    arrests: "Kukamatwa",
    arrested: "Waliokamatwa (waliorekodiwa wakati wa kufunga)",
    firearms_recovered: "Bunduki zilizopatikana (zilizorekodiwa wakati wa kufunga)",
    early_warnings_count: "Ishara za tahadhari ya mapema",
    peace_meetings_count: "Mikutano ya amani",
    recoveries_count: "Mifugo iliyorejeshwa",
    open_count: "Matukio ambayo hayajafungwa",
    incident_log: "Orodha ya matukio",
    when: "Tarehe na saa",
    place: "Mahali",
    kind: "Aina",
    what_happened: "Kilichotokea",
    agency: "Chombo kinachoongoza / kinachoshughulikia",
    action: "Hatua iliyochukuliwa",
    ob: "Nambari ya OB",
    status: "Hali",
    id: "Kitambulisho cha ripoti",
    hotspots: "Maeneo yenye matukio mengi zaidi",
    incidents: "Matukio",
    early_warnings: "Ishara za tahadhari ya mapema",
    peace_and_recoveries: "Mikutano ya amani na mifugo iliyorejeshwa",
    open_incidents: "Matukio ambayo hayajafungwa",
    pending: "Hatua na mahitaji yanayosubiriwa",
    waiting_for: "Inasubiri",
    waiting_send: "kutumwa kwa kaunti",
    waiting_ack: "kukubaliwa na chombo cha usalama",
    waiting_response: "hatua kukamilika",
    operation: "Operesheni (tathmini ya mahitaji)",
    dates: "Tarehe",
    gaps: "Kinachohitajika bado",
    no_gaps: "hakuna kinachokosekana",
    agencies_told: "Vyombo vilivyoarifiwa",
    none: "Hakuna",
    nothing_recorded: "Hakuna kilichorekodiwa katika kipindi hiki.",
    more: "na {n} zaidi: tazama orodha ya matukio",
    sign_off: "Sahihi",
    chief: "Chifu",
    acc: "Kamishna Msaidizi wa Kaunti",
    dcc: "Naibu Kamishna wa Kaunti",
    name: "Jina",
    signature: "Sahihi",
    date: "Tarehe",
    unknown_number: "idadi haijulikani",
    at_least: "angalau {n}",
    about: "takriban {n}",
    plus_unknown: "pamoja na idadi isiyojulikana ya {what}",
    and: "na",
    no_livestock: "Hakuna mifugo iliyorekodiwa kuibwa, kurejeshwa au kuuawa.",
    source: "Chanzo",
    suspects: "Washukiwa",
    suspect_names: "Majina",
    suspect_group: "Kundi",
    gps: "GPS",
    restricted_details: "Siri",
    counting_note: "Kila ripoti ni tukio moja, linalohesabiwa katika kipindi na eneo lilipotokea; \
        watu na mifugo wanajumlishwa kutoka takwimu za karibuni za kila tukio. \"Takriban\" \
        inamaanisha baadhi ya idadi ni makadirio; \"angalau\" inamaanisha baadhi ya ripoti \
        hazikutaja idadi.",
    urgency: "Uharaka",
    reported_by: "Imeripotiwa na",
    recorded: "Ilirekodiwa",
    timeline: "Historia ya ripoti hii",
    ledger_hash: "Alama (hash) ya rekodi ya ripoti",
    ledger_hash_note: "Linganisha hati hii na rekodi: `usalama report show ID --json` inatoa \
        alama hiyo hiyo kwa rekodi ya kuripoti, na `usalama verify` inakagua kila sahihi.",
    filed: "Imeripotiwa",
    amended: "Taarifa imeongezwa",
    redacted: "Maudhui yameondolewa",
    source_recorded: "Taarifa za siri zimehifadhiwa (chanzo, majina ya washukiwa)",
    received_by_county: "Imepokelewa na kaunti",
    update: "Taarifa",
    entry: "Rekodi",
    yes: "Ndiyo",
    no: "Hapana",
    armed: "wenye silaha",
    count: "Idadi",
    direction: "walikoelekea",
    estimate: "makadirio",
    lead_agency: "Chombo kinachoongoza",
    lead: "kinaongoza",
    narrative_cut: "(imefupishwa; maandishi yote yamo kwenye rekodi)",
    figures_sheet: "Takwimu",
    incidents_sheet: "Matukio",
    section: "Sehemu",
    unit_col: "Eneo",
    note: "Maelezo",
};

/// The labels of `lang`.
pub fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::En => &EN,
        Lang::Sw => &SW,
    }
}

/// Fills `{n}`, `{m}` and `{what}` in a label.
pub fn fill(label: &str, pairs: &[(&str, &str)]) -> String {
    let mut out = label.to_owned();
    for (key, value) in pairs {
        out = out.replace(&format!("{{{key}}}"), value);
    }
    out
}

pub fn incident_type(lang: Lang, t: IncidentType) -> &'static str {
    vocabulary::label("incident_type", t.as_str(), lang)
}

pub fn species(lang: Lang, s: Species) -> &'static str {
    vocabulary::label("species", s.as_str(), lang)
}

pub fn agency(lang: Lang, a: Agency) -> &'static str {
    vocabulary::label("agency", a.as_str(), lang)
}

/// The short name of an agency, for narrow table columns.
pub fn agency_short(a: Agency) -> &'static str {
    vocabulary::term("agency", a.as_str())
        .and_then(|t| t.short.as_deref())
        .unwrap_or_else(|| a.as_str())
}

pub fn urgency(lang: Lang, u: Urgency) -> &'static str {
    vocabulary::label("urgency", u.as_str(), lang)
}

/// A resource of a needs assessment (see [`crate::needs::RESOURCES`]).
pub fn resource(lang: Lang, r: &str) -> &'static str {
    vocabulary::term("resource", r)
        .or_else(|| vocabulary::term("resource", "other"))
        .map_or("other", |t| t.label(lang))
}

pub fn source_kind(lang: Lang, k: SourceKind) -> &'static str {
    vocabulary::label("source_kind", k.as_str(), lang)
}

/// A report's status, as the desktop app says it.
pub fn status(lang: Lang, status: &str) -> String {
    vocabulary::label("status", status, lang).to_owned()
}

/// How a closed incident ended.
pub fn outcome(lang: Lang, outcome: &str) -> String {
    vocabulary::label("outcome", outcome, lang).to_owned()
}

/// A role, as the desktop app says it.
pub fn role(lang: Lang, role: &str) -> String {
    vocabulary::label("role", role, lang).to_owned()
}

/// A unit kind, as the desktop app says it.
pub fn unit_kind(lang: Lang, kind: &str) -> String {
    vocabulary::label("unit_kind", kind, lang).to_owned()
}

/// An early-warning indicator.
pub fn indicator(lang: Lang, i: Indicator) -> &'static str {
    vocabulary::label("indicator", i.as_str(), lang)
}
