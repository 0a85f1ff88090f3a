//! The facts a warning reads of a report (an [`Incident`]: its type, day, unit, the people
//! killed and abducted, the head stolen, the indicators), kept in columns of its row so that
//! computing every warning reads those columns, through their covering index, and decodes no
//! document.
//!
//! The projection writer fills them from the document it stores, read as
//! [`Incident::of_stored`] reads it, so the two never disagree. The type is the row's `type`;
//! the rest:
//!
//! - `warning_report`: the report's id as its 10 bytes (what `id` spells in base32), NULL for a
//!   document the warnings cannot read, whose other facts are then empty.
//! - `warning_day`: the day it happened in East Africa Time, as a Julian day number (SQL shows
//!   it with `date(warning_day)`).
//! - `warning_unit`: the unit the report names (the row's `unit` also counts a report without
//!   one under its reporter's unit; a warning does not).
//! - `warning_killed`, `warning_abducted`: NULL none, -1 some but not known how many, else how
//!   many (a report of the type itself counting as some).
//! - `warning_head`: the head of livestock stolen.
//! - `warning_indicators`: the indicators named, in order, as ",a,b,".

use std::collections::HashMap;
use std::sync::Arc;

use rusqlite::{params, Row, ToSql, Transaction};

use crate::domain::{IncidentType, Indicator};
use crate::error::Result;
use crate::ledger::ReportId;
use crate::warning::Incident;

/// A people figure's stored number for "some, not known how many".
const UNKNOWN: i64 = -1;

/// One report's facts as its row stores them.
#[derive(Debug)]
pub(super) struct Facts {
    report: Option<[u8; 10]>,
    day: Option<i32>,
    unit: Option<String>,
    killed: Option<i64>,
    abducted: Option<i64>,
    head: i64,
    indicators: String,
}

impl Facts {
    /// The facts of a report's stored document (`None`: not one the warnings read).
    pub fn of(incident: Option<&Incident>) -> Facts {
        let Some(i) = incident else {
            return Facts {
                report: None,
                day: None,
                unit: None,
                killed: None,
                abducted: None,
                head: 0,
                indicators: ",".into(),
            };
        };
        let mut indicators = String::from(",");
        for ind in &i.indicators {
            indicators.push_str(ind.as_str());
            indicators.push(',');
        }
        Facts {
            report: Some(i.report.0),
            day: Some(i.day.to_julian_day()),
            unit: i.unit.as_deref().map(str::to_owned),
            killed: i.killed.map(stored_people),
            abducted: i.abducted.map(stored_people),
            head: i64::from(i.livestock_stolen),
            indicators,
        }
    }

    /// Their values, in the order of the columns: `warning_report`, `warning_day`,
    /// `warning_unit`, `warning_killed`, `warning_abducted`, `warning_head`,
    /// `warning_indicators`.
    pub fn params(&self) -> [&dyn ToSql; 7] {
        [
            &self.report,
            &self.day,
            &self.unit,
            &self.killed,
            &self.abducted,
            &self.head,
            &self.indicators,
        ]
    }
}

fn stored_people(figure: Option<u32>) -> i64 {
    figure.map_or(UNKNOWN, i64::from)
}

/// The query [`incident_of_row`] reads: every report the warnings read, by day and id (the
/// order the warnings sort them in, so that sorting finds them sorted).
pub(super) const INCIDENTS_QUERY: &str = "SELECT warning_report, type, warning_day, \
    warning_unit, warning_killed, warning_abducted, warning_head, warning_indicators \
    FROM reports WHERE warning_report IS NOT NULL ORDER BY warning_day, warning_report";

/// The units named by the rows read so far, each kept once and shared by every incident naming
/// it: a few hundred units for a hundred thousand reports.
pub(super) type Units = HashMap<String, Arc<str>>;

/// The incident a row of [`INCIDENTS_QUERY`] holds; `None` for one whose columns do not read,
/// which only editing the database by hand makes.
pub(super) fn incident_of_row(
    r: &Row<'_>,
    units: &mut Units,
) -> rusqlite::Result<Option<Incident>> {
    // A negative number is UNKNOWN.
    let people = |i: usize| -> rusqlite::Result<Option<Option<u32>>> {
        Ok(r.get::<_, Option<i64>>(i)?.map(|n| u32::try_from(n).ok()))
    };
    let report = r.get_ref(0)?.as_blob().ok();
    let (Some(report), Ok(kind)) = (
        report.and_then(|b| <[u8; 10]>::try_from(b).ok()),
        IncidentType::parse(r.get_ref(1)?.as_str()?),
    ) else {
        return Ok(None);
    };
    let Ok(day) = time::Date::from_julian_day(r.get(2)?) else {
        return Ok(None);
    };
    let mut indicators = Vec::new();
    for key in r.get_ref(7)?.as_str()?.split(',').filter(|k| !k.is_empty()) {
        let Ok(ind) = Indicator::parse(key) else {
            return Ok(None);
        };
        indicators.push(ind);
    }
    Ok(Some(Incident {
        report: ReportId(report),
        kind,
        day,
        unit: r.get_ref(3)?.as_str_or_null()?.map(|u| shared(units, u)),
        killed: people(4)?,
        abducted: people(5)?,
        livestock_stolen: u32::try_from(r.get::<_, i64>(6)?).unwrap_or(u32::MAX),
        indicators,
    }))
}

fn shared(units: &mut Units, unit: &str) -> Arc<str> {
    if let Some(shared) = units.get(unit) {
        return Arc::clone(shared);
    }
    let shared: Arc<str> = Arc::from(unit);
    units.insert(unit.to_owned(), Arc::clone(&shared));
    shared
}

/// Fills every row's facts from its stored document: the migration that added the columns
/// leaves them empty. A thousand rows at a time, so that a large store is never held in memory.
pub(super) fn fill(tx: &Transaction<'_>) -> Result<()> {
    let mut after = i64::MIN;
    loop {
        let rows: Vec<(i64, String, String)> = tx
            .prepare_cached(
                "SELECT rowid, id, document FROM reports WHERE rowid > ?1
                 ORDER BY rowid LIMIT 1000",
            )?
            .query_map([after], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let Some((last, _, _)) = rows.last() else {
            return Ok(());
        };
        after = *last;
        let mut update = tx.prepare_cached(
            "UPDATE reports SET (warning_report, warning_day, warning_unit, warning_killed,
                                 warning_abducted, warning_head, warning_indicators)
                              = (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             WHERE rowid = ?8",
        )?;
        for (rowid, id, document) in &rows {
            let incident = ReportId::parse(id).and_then(|id| Incident::of_stored(id, document));
            let facts = Facts::of(incident.as_ref());
            let [a, b, c, d, e, f, g] = facts.params();
            update.execute(params![a, b, c, d, e, f, g, rowid])?;
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::{json, Map, Value};

    use super::*;
    use crate::domain::Role;
    use crate::ledger::{Draft, EntryKind};
    use crate::store::entries::append;
    use crate::store::projection::reproject;
    use crate::store::testing;
    use crate::store::Store;

    const OMBOLION: &str = "ke-024-l-ombolion";

    fn chief(dir: &std::path::Path) -> Store {
        testing::store(dir, "Joseph Korkimul", Role::Chief, OMBOLION, None)
    }

    /// Every report's document read as `Incident::of_stored` reads it, by report.
    fn read_from_documents(store: &Store) -> Vec<Incident> {
        let mut stmt = store
            .conn
            .prepare("SELECT id, document FROM reports")
            .expect("query");
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .expect("rows");
        let mut out: Vec<Incident> = rows
            .map(|r| r.expect("row"))
            .filter_map(|(id, doc)| Incident::of_stored(ReportId::parse(&id)?, &doc))
            .collect();
        out.sort_by_key(|i| i.report);
        out
    }

    /// What the warnings read from the columns, by report.
    fn read_from_columns(store: &Store) -> Vec<Incident> {
        let mut out = store.warning_incidents().expect("incidents");
        out.sort_by_key(|i| i.report);
        out
    }

    /// Files `docs` as they are, unchecked, as an earlier or a newer version might have.
    fn file_unchecked(store: &mut Store, docs: &[Value]) {
        let tx = store.conn.transaction().expect("tx");
        for doc in docs {
            let filing = append(
                &tx,
                &store.me,
                Draft {
                    kind: EntryKind::ReportFiled,
                    subject: None,
                    body: serde_json::to_vec(doc).expect("body"),
                },
            )
            .expect("appended");
            reproject(&tx, &filing.report_id()).expect("projected");
        }
        tx.commit().expect("committed");
    }

    fn killing(day: &str) -> Value {
        json!({"type": "killing", "urgency": "flash", "occurred_at": format!("{day}T05:30:00+03:00"),
               "unit": OMBOLION, "narrative": "Two herders shot.", "people": {"killed": 2}})
    }

    /// A count as a document may hold it: a number, unknown, one out of range or of the wrong
    /// kind.
    fn arb_count() -> impl Strategy<Value = Value> {
        prop_oneof![
            (0u64..4).prop_map(Value::from),
            Just(Value::Null),
            Just(json!(u64::MAX)),
            Just(json!(u64::from(u32::MAX) + 7)),
            Just(json!(-3)),
            Just(json!(2.5)),
            Just(json!("two")),
        ]
    }

    /// A people figure: a count, or men, women and children.
    fn arb_figure() -> impl Strategy<Value = Option<Value>> {
        let part = || proptest::option::of(arb_count());
        prop_oneof![
            Just(None),
            arb_count().prop_map(Some),
            (part(), part(), part()).prop_map(|(m, w, c)| {
                let mut split = Map::new();
                for (k, v) in [("men", m), ("women", w), ("children", c)] {
                    if let Some(v) = v {
                        split.insert(k.into(), v);
                    }
                }
                Some(Value::Object(split))
            }),
        ]
    }

    /// A document as a store may hold it: mostly a report's, with the facts warnings read
    /// varied, some missing, malformed or from a newer version.
    fn arb_document() -> impl Strategy<Value = Value> {
        let kind = prop_oneof![
            18 => (0..IncidentType::ALL.len()).prop_map(|k| json!(IncidentType::ALL[k].as_str())),
            1 => Just(json!("cattle_rustling")),
            1 => Just(json!(7)),
        ];
        let occurred = prop_oneof![
            9 => (0i64..40, 0u32..24, prop::sample::select(vec!["+03:00", "Z", "-05:00", "+14:00"]))
                .prop_map(|(d, h, tz)| {
                    let day = time::macros::date!(2026 - 02 - 20) + time::Duration::days(d);
                    json!(format!("{day}T{h:02}:30:00{tz}"))
                }),
            1 => Just(json!("yesterday")),
        ];
        let unit = prop_oneof![
            4 => Just(json!(OMBOLION)),
            4 => Just(json!("ke-024-l-cheptulel")),
            2 => Just(json!("ke-024-sc-kipkomo")),
            1 => Just(json!("")),
            1 => Just(Value::Null),
            1 => Just(json!(12)),
        ];
        let livestock = proptest::collection::vec(proptest::option::of(arb_count()), 0..3)
            .prop_map(|lines| {
                lines
                    .into_iter()
                    .map(|stolen| match stolen {
                        Some(n) => json!({"species": "cattle", "stolen": n}),
                        None => json!({"species": "goats", "killed": 1}),
                    })
                    .collect::<Vec<_>>()
            });
        let indicators = prop_oneof![
            9 => proptest::collection::vec(
                (0..Indicator::ALL.len()).prop_map(|i| json!(Indicator::ALL[i].as_str())),
                0..4
            ),
            1 => Just(vec![json!("war_songs"), json!("moon_signs")]),
        ];
        use proptest::option::weighted;
        (
            (weighted(0.95, kind), weighted(0.95, occurred)),
            (weighted(0.8, unit), arb_figure(), arb_figure()),
            (weighted(0.5, livestock), weighted(0.5, indicators)),
        )
            .prop_map(
                |((kind, occurred), (unit, killed, abducted), (livestock, indicators))| {
                    let mut doc = Map::new();
                    doc.insert("narrative".into(), json!("Seen at dawn."));
                    let mut people = Map::new();
                    for (k, v) in [("killed", killed), ("abducted", abducted)] {
                        if let Some(v) = v {
                            people.insert(k.into(), v);
                        }
                    }
                    if !people.is_empty() {
                        doc.insert("people".into(), Value::Object(people));
                    }
                    let fields = [
                        ("type", kind),
                        ("occurred_at", occurred),
                        ("unit", unit),
                        ("livestock", livestock.map(Value::from)),
                        ("indicators", indicators.map(Value::from)),
                    ];
                    for (k, v) in fields {
                        if let Some(v) = v {
                            doc.insert(k.into(), v);
                        }
                    }
                    Value::Object(doc)
                },
            )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        #[test]
        fn the_columns_read_every_document_as_the_stored_document_reader_does(
            docs in proptest::collection::vec(arb_document(), 1..40),
        ) {
            let dir = tempfile::tempdir().expect("dir");
            let mut store = chief(dir.path());
            file_unchecked(&mut store, &docs);
            let expected = read_from_documents(&store);
            prop_assert_eq!(read_from_columns(&store), expected);
        }
    }

    #[test]
    fn an_amended_report_is_read_as_its_document_now_says() {
        let dir = tempfile::tempdir().expect("dir");
        let mut store = chief(dir.path());
        let id = store
            .file_document(&killing("2026-11-20"), None)
            .expect("filed");
        let before = read_from_columns(&store);
        assert_eq!(before, read_from_documents(&store));
        assert_eq!(before[0].killed, Some(Some(2)));
        store
            .amend_document(
                &id.to_string(),
                &json!({"type": "abduction", "people": {"killed": null, "abducted": {"women": 3}},
                        "occurred_at": "2026-11-19T22:00:00+00:00",
                        "indicators": ["war_songs"]}),
            )
            .expect("amended");
        let after = read_from_columns(&store);
        assert_eq!(after, read_from_documents(&store));
        assert_eq!(after[0].kind, IncidentType::Abduction);
        assert_eq!(after[0].day, time::macros::date!(2026 - 11 - 20));
        assert_eq!(after[0].abducted, Some(Some(3)));
        assert_eq!(after[0].killed, Some(None));
    }

    #[test]
    fn a_store_from_before_the_warning_facts_fills_them_when_it_opens() {
        let dir = tempfile::tempdir().expect("dir");
        let mut store = chief(dir.path());
        store
            .file_document(&killing("2026-11-20"), None)
            .expect("filed");
        file_unchecked(
            &mut store,
            &[
                json!({"type": "early_warning", "occurred_at": "2026-11-21T01:00:00+03:00",
                       "unit": OMBOLION, "narrative": "x", "indicators": ["war_songs"]}),
                json!({"type": "livestock_raid", "occurred_at": "2026-11-22T09:00:00+03:00",
                       "narrative": "x", "livestock": [{"species": "cattle", "stolen": 150}]}),
                json!({"type": "from_a_newer_version", "occurred_at": "2026-11-22T09:00:00+03:00",
                       "narrative": "x"}),
            ],
        );
        let now = crate::store::now_ms();
        let ids = |s: &Store| -> Vec<String> {
            s.warnings(now)
                .expect("warnings")
                .warnings
                .iter()
                .map(|w| w.warning.id.to_string())
                .collect()
        };
        let (incidents, warnings) = (read_from_columns(&store), ids(&store));
        assert_eq!(incidents.len(), 3);
        assert_eq!(warnings.len(), 3, "a killing, a sign, head stolen");
        // As a store of schema 7 holds it: no facts in the rows.
        store
            .conn
            .execute_batch(&format!(
                "{}
                 PRAGMA user_version = 7;",
                testing::WITHOUT_WARNING_FACTS
            ))
            .expect("aged");
        drop(store);
        let store = Store::open(dir.path(), "cows at the borehole").expect("opens");
        assert_eq!(read_from_columns(&store), incidents);
        assert_eq!(read_from_columns(&store), read_from_documents(&store));
        assert_eq!(ids(&store), warnings);
    }

    #[test]
    fn the_warnings_read_the_covering_index_alone() {
        let dir = tempfile::tempdir().expect("dir");
        let store = chief(dir.path());
        let plan: Vec<String> = store
            .conn
            .prepare(&format!("EXPLAIN QUERY PLAN {INCIDENTS_QUERY}"))
            .expect("plan")
            .query_map([], |r| r.get(3))
            .expect("rows")
            .collect::<rusqlite::Result<_>>()
            .expect("read");
        assert_eq!(
            plan,
            ["SCAN reports USING COVERING INDEX reports_warning_facts"]
        );
    }
}
