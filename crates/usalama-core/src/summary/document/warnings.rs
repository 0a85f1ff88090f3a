//! The summary's "Early warning" section: in the restricted edition, the period's warnings,
//! who acknowledged each and what was done, and which were followed by an incident in the same
//! area within 14 days; in the public edition, only how many warnings each sub-county had.

use super::{col, num, row, Block};
use crate::domain::Lang;
use crate::summary::{Edition, Summary, SummaryWarning};
use crate::warning::Rule;

struct Words {
    heading: &'static str,
    by_sub_county: &'static str,
    day: &'static str,
    area: &'static str,
    warning: &'static str,
    acknowledged: &'static str,
    followed: &'static str,
    not_acknowledged: &'static str,
    none: &'static str,
    count: &'static str,
    yes: &'static str,
    no: &'static str,
}

const EN: Words = Words {
    heading: "Early warning",
    by_sub_county: "Warnings by sub-county",
    day: "Day",
    area: "Area",
    warning: "Warning",
    acknowledged: "Acknowledged by, and action taken",
    followed: "Incident within 14 days",
    not_acknowledged: "NOT ACKNOWLEDGED",
    none: "No warnings in this period.",
    count: "Warnings",
    yes: "Yes",
    no: "No",
};

const SW: Words = Words {
    heading: "Tahadhari ya mapema",
    by_sub_county: "Tahadhari kwa kaunti ndogo",
    day: "Siku",
    area: "Eneo",
    warning: "Tahadhari",
    acknowledged: "Imethibitishwa na, na hatua iliyochukuliwa",
    followed: "Tukio ndani ya siku 14",
    not_acknowledged: "HAIJATHIBITISHWA",
    none: "Hakuna tahadhari katika kipindi hiki.",
    count: "Tahadhari",
    yes: "Ndiyo",
    no: "Hapana",
};

/// What raised a warning, in `lang`.
pub fn rule_words(lang: Lang, rule: Rule) -> &'static str {
    match (lang, rule) {
        (Lang::En, Rule::Report) => "Serious incident or provocative sign",
        (Lang::En, Rule::RepeatRaid) => "Second raid in the location",
        (Lang::En, Rule::RisingSigns) => "Early-warning signs rising weeks running",
        (Lang::En, Rule::Trend) => "Unusually many incidents for the season",
        (Lang::En, Rule::BorderTrend) => "Unusually many incidents along the border",
        (Lang::Sw, Rule::Report) => "Tukio zito au ishara ya uchochezi",
        (Lang::Sw, Rule::RepeatRaid) => "Uvamizi wa pili katika kata",
        (Lang::Sw, Rule::RisingSigns) => "Ishara za tahadhari zikiongezeka wiki mfululizo",
        (Lang::Sw, Rule::Trend) => "Matukio mengi kuliko kawaida ya msimu",
        (Lang::Sw, Rule::BorderTrend) => "Matukio mengi kuliko kawaida mpakani",
    }
}

pub(super) fn early_warning(blocks: &mut Vec<Block>, s: &Summary, lang: Lang) {
    let w = match lang {
        Lang::En => &EN,
        Lang::Sw => &SW,
    };
    blocks.push(Block::Heading(format!(
        "{} ({})",
        w.heading,
        s.warnings.len()
    )));
    if s.warnings.is_empty() {
        blocks.push(Block::Paragraph(w.none.into()));
        return;
    }
    match s.edition {
        Edition::Restricted => restricted(blocks, s, lang, w),
        Edition::Public => public(blocks, s, lang, w),
    }
}

fn restricted(blocks: &mut Vec<Block>, s: &Summary, lang: Lang, w: &Words) {
    let rows = s
        .warnings
        .iter()
        .map(|x: &SummaryWarning| {
            let acks = if x.acknowledged.is_empty() {
                w.not_acknowledged.to_owned()
            } else {
                x.acknowledged.join("; ")
            };
            row(vec![
                x.day.clone(),
                s.unit_name(&x.area, lang),
                rule_words(lang, x.rule).into(),
                acks,
                if x.followed_by > 0 { w.yes } else { w.no }.into(),
            ])
        })
        .collect();
    blocks.push(Block::Table {
        columns: vec![
            col(w.day, 0.12),
            col(w.area, 0.18),
            col(w.warning, 0.22),
            col(w.acknowledged, 0.36),
            col(w.followed, 0.12),
        ],
        rows,
        small: true,
    });
}

fn public(blocks: &mut Vec<Block>, s: &Summary, lang: Lang, w: &Words) {
    let mut counts: std::collections::BTreeMap<String, u32> = Default::default();
    for x in &s.warnings {
        *counts.entry(s.unit_name(&x.sub_county, lang)).or_default() += 1;
    }
    blocks.push(Block::Note(w.by_sub_county.into()));
    blocks.push(Block::Table {
        columns: vec![col(w.area, 0.7), num(w.count, 0.3)],
        rows: counts
            .into_iter()
            .map(|(area, n)| row(vec![area, n.to_string()]))
            .collect(),
        small: false,
    });
}
