//! `testat catalog`: list, show, search and export criteria.

use std::fmt::Write as _;

use serde::Serialize;
use testat_catalog::{Automation, C5Version, Catalog, Criterion, ExternalCatalog, SubCriterion};

use crate::cli::{AutomationArg, CatalogCommand, ExportFormat, ListArgs, ListFormat, ShowFormat};
use crate::commands::frameworks;
use crate::context::Context;
use crate::error::CliError;
use crate::exit::ExitStatus;
use crate::output::{self, DIM, HEADING, ID, TEXT_WIDTH, emit, styled, wrap};

/// Version of the JSON documents `catalog list|show|search --format json` write.
const JSON_SCHEMA_VERSION: u32 = 1;

/// Runs a `testat catalog` subcommand.
pub fn run(ctx: &Context, command: &CatalogCommand) -> Result<ExitStatus, CliError> {
    let catalog = ctx.project.catalog();
    let external = ctx.project.external_catalog()?;
    if let Some(external) = &external {
        report_unmatched(external, catalog);
    }
    let external = external.as_ref();
    let version = ctx.project.version();
    let rules = || testat_project::load_rules(testat_catalog::builtin(), true, &[]);
    let done: Result<(), CliError> = match command {
        CatalogCommand::List(args) => list(args, catalog),
        CatalogCommand::Show(args) => {
            let criterion = catalog.get(&args.id)?;
            let rules = rules()?;
            let testing: Vec<&testat_rules::Rule> = rules
                .rules()
                .iter()
                .filter(|r| match version {
                    C5Version::V2020 => r.spec.criteria.contains(&criterion.id),
                    C5Version::V2026 => testat_project::criteria_2026_of(&r.spec.criteria_2026)
                        .contains(&criterion.id),
                })
                .collect();
            let version = catalog.c5_version();
            let text = match args.format {
                ShowFormat::Text => {
                    let mut text = show_text(catalog, criterion, external, &testing);
                    if let Some(version) = version {
                        text.push_str(&frameworks::show_text(version, &criterion.id));
                    }
                    text
                }
                ShowFormat::Json => {
                    let external_text = external.and_then(|e| e.text(&criterion.id));
                    let doc = ShowJson {
                        schema_version: JSON_SCHEMA_VERSION,
                        criterion: CriterionJson::new(criterion, catalog),
                        rules: testing.iter().map(|r| r.id()).collect(),
                        frameworks: version
                            .map(|v| frameworks::show_json(v, &criterion.id))
                            .unwrap_or_default(),
                        external: external_text.map(|t| ExternalJson {
                            source: external.map(|e| e.path.display().to_string()),
                            title: &t.title,
                            text: &t.text,
                        }),
                    };
                    format!("{}\n", serde_json::to_string_pretty(&doc)?)
                }
            };
            emit(None, &text)
        }
        CatalogCommand::Search(args) => {
            search(&args.query.join(" "), args.limit, args.format, catalog)
        }
        CatalogCommand::Crosswalk(args) => super::crosswalk::run(args),
        CatalogCommand::Export(args) => match args.format {
            ExportFormat::OscalJson => {
                let now = ctx
                    .project
                    .clock()
                    .now()
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
                let json = catalog.to_oscal_json(&now)?;
                emit(args.output.as_deref(), &format!("{json}\n"))
            }
        },
    };
    done.map(|()| ExitStatus::Success)
}

fn list(args: &ListArgs, catalog: &Catalog) -> Result<(), CliError> {
    if let Some(framework) = args.framework {
        let version = frameworks::version_of(catalog)?;
        let (Some(f), Some(m)) = (
            testat_catalog::framework(framework.id()),
            testat_catalog::mappings(framework.id(), version),
        ) else {
            return Err(CliError::Render(format!(
                "the built-in framework {} is missing",
                framework.id()
            )));
        };
        return emit(None, &frameworks::list(f, m, catalog, args.format)?);
    }
    let domain = match &args.domain {
        Some(code) => {
            let code = code.trim().to_ascii_uppercase();
            if catalog.domain(&code).is_none() {
                let codes: Vec<&str> = catalog.domains.iter().map(|d| d.code.as_str()).collect();
                return Err(CliError::usage(
                    format!("unknown domain `{code}`"),
                    format!("the domains are {}", codes.join(", ")),
                ));
            }
            Some(code)
        }
        None => None,
    };
    let tag = match &args.tag {
        Some(tag) => {
            let tag = tag.trim().to_ascii_lowercase();
            if !testat_catalog::TAGS.contains(&tag.as_str()) {
                return Err(CliError::Usage {
                    message: format!("unknown tag `{tag}`"),
                    hint: Some(format!("the tags are {}", testat_catalog::TAGS.join(", "))),
                });
            }
            Some(tag)
        }
        None => None,
    };
    let automation = args.automation.map(|a| match a {
        AutomationArg::Automated => Automation::Automated,
        AutomationArg::Partly => Automation::Partly,
        AutomationArg::Manual => Automation::Manual,
    });
    let level = args.level.map(|l| l.level());
    if level.is_some() && catalog.criteria.iter().all(|c| c.subcriteria.is_empty()) {
        return Err(CliError::usage(
            format!(
                "{} has no sub-criteria, so --level selects nothing",
                catalog.name
            ),
            "levels are a C5:2026 matter: `testat catalog list --c5 2026 --level basic`",
        ));
    }
    let selected: Vec<&Criterion> = catalog
        .criteria
        .iter()
        .filter(|c| level.is_none_or(|l| c.subcriteria_at(l).next().is_some()))
        .filter(|c| domain.as_ref().is_none_or(|d| &c.domain == d))
        .filter(|c| tag.as_ref().is_none_or(|t| c.tags.contains(t)))
        .filter(|c| automation.is_none_or(|a| c.automation == a))
        .collect();

    let text = match args.format {
        ListFormat::Table => list_table(catalog, &selected),
        ListFormat::Json => {
            let domains = catalog
                .domains
                .iter()
                .filter_map(|d| {
                    let count = selected.iter().filter(|c| c.domain == d.code).count();
                    (count > 0).then_some(DomainJson {
                        code: &d.code,
                        name: &d.name,
                        criteria: count,
                    })
                })
                .collect();
            let doc = ListJson {
                schema_version: JSON_SCHEMA_VERSION,
                catalog: CatalogJson {
                    name: &catalog.name,
                    version: &catalog.version,
                },
                domains,
                criteria: selected
                    .iter()
                    .map(|c| CriterionJson::new(c, catalog))
                    .collect(),
            };
            format!("{}\n", serde_json::to_string_pretty(&doc)?)
        }
        ListFormat::Csv => {
            let mut writer = csv::Writer::from_writer(Vec::new());
            writer.write_record([
                "id",
                "domain",
                "title",
                "additional_criterion",
                "automation",
                "tags",
                "summary",
                "customer_part",
            ])?;
            for c in &selected {
                writer.write_record([
                    c.id.as_str(),
                    c.domain.as_str(),
                    c.title.as_str(),
                    c.additional_criterion.as_str(),
                    c.automation.as_str(),
                    &c.tags.join(";"),
                    c.summary.trim(),
                    c.customer_part.trim(),
                ])?;
            }
            let bytes = writer
                .into_inner()
                .map_err(|e| CliError::Render(e.to_string()))?;
            String::from_utf8(bytes).map_err(|e| CliError::Render(e.to_string()))?
        }
    };
    emit(None, &text)
}

fn list_table(catalog: &Catalog, selected: &[&Criterion]) -> String {
    let mut out = String::new();
    let mut domains = 0;
    for domain in &catalog.domains {
        let rows: Vec<&&Criterion> = selected
            .iter()
            .filter(|c| c.domain == domain.code)
            .collect();
        if rows.is_empty() {
            continue;
        }
        domains += 1;
        let _ = writeln!(
            out,
            "{}",
            styled(HEADING, &format!("{}  {}", domain.code, domain.name))
        );
        for c in rows {
            let _ = writeln!(
                out,
                "  {}  {:<9}  {}",
                styled(ID, &format!("{:<6}", c.id)),
                c.automation.as_str(),
                c.title
            );
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "{}",
        styled(
            DIM,
            &format!(
                "{} {} in {domains} {}",
                selected.len(),
                plural(selected.len(), "criterion", "criteria"),
                plural(domains, "domain", "domains")
            )
        )
    );
    out
}

fn show_text(
    catalog: &Catalog,
    c: &Criterion,
    external: Option<&ExternalCatalog>,
    rules: &[&testat_rules::Rule],
) -> String {
    let mut out = String::new();
    let domain_name = catalog.domain(&c.domain).map_or("", |d| d.name.as_str());
    let _ = writeln!(out, "{}  {}", styled(ID, &c.id), styled(HEADING, &c.title));
    let _ = writeln!(out, "Domain:                {}  {domain_name}", c.domain);
    let _ = writeln!(
        out,
        "Additional criterion:  {}",
        c.additional_criterion.as_str()
    );
    let _ = writeln!(out, "Automation:            {}", c.automation.as_str());
    let _ = writeln!(out, "Tags:                  {}", c.tags.join(", "));
    let _ = writeln!(
        out,
        "\n{}",
        styled(HEADING, "What it asks (Testat's summary)")
    );
    out.push_str(&wrap(&c.summary, TEXT_WIDTH, "  "));
    if !c.subcriteria.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            styled(HEADING, "Sub-criteria (Testat's labels)")
        );
        for sub in &c.subcriteria {
            let _ = writeln!(
                out,
                "  {}  {:<13}  {}",
                styled(ID, &format!("{:<12}", sub.id)),
                sub.level.as_str(),
                sub.label
            );
        }
    }
    if !c.customer_part.trim().is_empty() {
        let _ = writeln!(out, "\n{}", styled(HEADING, "Customer's part"));
        out.push_str(&wrap(&c.customer_part, TEXT_WIDTH, "  "));
    }
    let _ = writeln!(out, "\n{}", styled(HEADING, "Rules that test it"));
    if rules.is_empty() {
        let _ = writeln!(
            out,
            "  {}",
            styled(
                DIM,
                "none; evidence or an attestation has to show this criterion"
            )
        );
    }
    for rule in rules {
        let _ = writeln!(
            out,
            "  {}  {:<8}  {}",
            styled(ID, &format!("{:<28}", rule.id())),
            rule.spec.severity.as_str(),
            rule.spec.title
        );
    }
    if let Some(external) = external {
        let source = external.path.display().to_string();
        match external.text(&c.id) {
            Some(text) => {
                let _ = writeln!(out, "\n{}", styled(HEADING, &format!("Text from {source}")));
                if !text.title.is_empty() && text.title != c.title {
                    out.push_str(&wrap(&text.title, TEXT_WIDTH, "  "));
                    out.push('\n');
                }
                out.push_str(&wrap(&text.text, TEXT_WIDTH, "  "));
            }
            None => {
                let _ = writeln!(
                    out,
                    "\n{}",
                    styled(DIM, &format!("{source} has no entry for {}", c.id))
                );
            }
        }
    }
    out
}

fn search(
    query: &str,
    limit: usize,
    format: ShowFormat,
    catalog: &Catalog,
) -> Result<(), CliError> {
    let hits = catalog.search(query);
    let shown = &hits[..hits.len().min(limit)];
    let text = match format {
        ShowFormat::Text => {
            let mut out = String::new();
            if shown.is_empty() {
                let _ = writeln!(out, "No criterion matches \"{query}\".");
            }
            for hit in shown {
                let c = hit.criterion;
                let _ = writeln!(out, "{}  {}", styled(ID, &format!("{:<6}", c.id)), c.title);
                let first_sentence = c.summary.split_inclusive(". ").next().unwrap_or_default();
                out.push_str(&styled(
                    DIM,
                    &wrap(first_sentence.trim(), TEXT_WIDTH, "        "),
                ));
            }
            if hits.len() > shown.len() {
                let _ = writeln!(
                    out,
                    "{}",
                    styled(
                        DIM,
                        &format!("{} more; use --limit to see them", hits.len() - shown.len())
                    )
                );
            }
            out
        }
        ShowFormat::Json => {
            let doc = SearchJson {
                schema_version: JSON_SCHEMA_VERSION,
                query,
                total: hits.len(),
                results: shown
                    .iter()
                    .map(|h| SearchResultJson {
                        score: h.score,
                        criterion: CriterionJson::new(h.criterion, catalog),
                    })
                    .collect(),
            };
            format!("{}\n", serde_json::to_string_pretty(&doc)?)
        }
    };
    emit(None, &text)
}

/// Reports the entries of an external catalogue that matched none of our criteria.
fn report_unmatched(external: &ExternalCatalog, catalog: &Catalog) {
    if external.unmatched.is_empty() {
        return;
    }
    let mut message = format!(
        "{}: {} entr{} not used (not {} criteria, or repeated):",
        external.path.display(),
        external.unmatched.len(),
        if external.unmatched.len() == 1 {
            "y was"
        } else {
            "ies were"
        },
        catalog.name
    );
    for entry in &external.unmatched {
        let _ = write!(
            message,
            "\n  {} at {}: {}",
            entry.id, entry.place, entry.reason
        );
    }
    output::warn(&message);
}

#[derive(Serialize)]
struct ListJson<'a> {
    schema_version: u32,
    catalog: CatalogJson<'a>,
    domains: Vec<DomainJson<'a>>,
    criteria: Vec<CriterionJson<'a>>,
}

#[derive(Serialize)]
struct CatalogJson<'a> {
    name: &'a str,
    version: &'a str,
}

#[derive(Serialize)]
struct DomainJson<'a> {
    code: &'a str,
    name: &'a str,
    criteria: usize,
}

#[derive(Serialize)]
struct CriterionJson<'a> {
    id: &'a str,
    domain: &'a str,
    domain_name: &'a str,
    title: &'a str,
    additional_criterion: &'static str,
    automation: &'static str,
    tags: &'a [String],
    summary: &'a str,
    customer_part: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    title_de: Option<&'a str>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    subcriteria: &'a [SubCriterion],
}

impl<'a> CriterionJson<'a> {
    fn new(c: &'a Criterion, catalog: &'a Catalog) -> Self {
        Self {
            id: &c.id,
            domain: &c.domain,
            domain_name: catalog.domain(&c.domain).map_or("", |d| d.name.as_str()),
            title: &c.title,
            additional_criterion: c.additional_criterion.as_str(),
            automation: c.automation.as_str(),
            tags: &c.tags,
            summary: c.summary.trim(),
            customer_part: c.customer_part.trim(),
            title_de: c.title_de.as_deref(),
            subcriteria: &c.subcriteria,
        }
    }
}

#[derive(Serialize)]
struct ShowJson<'a> {
    schema_version: u32,
    criterion: CriterionJson<'a>,
    rules: Vec<&'a str>,
    frameworks: Vec<frameworks::LinkJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    external: Option<ExternalJson<'a>>,
}

#[derive(Serialize)]
struct ExternalJson<'a> {
    source: Option<String>,
    title: &'a str,
    text: &'a str,
}

#[derive(Serialize)]
struct SearchJson<'a> {
    schema_version: u32,
    query: &'a str,
    total: usize,
    results: Vec<SearchResultJson<'a>>,
}

#[derive(Serialize)]
struct SearchResultJson<'a> {
    score: u32,
    #[serde(flatten)]
    criterion: CriterionJson<'a>,
}

/// `one` or `many`, by count.
fn plural(count: usize, one: &'static str, many: &'static str) -> &'static str {
    if count == 1 { one } else { many }
}
