//! Finding criteria by ID (forgiving about case, helpful about typos) and by text.

use crate::CatalogError;
use crate::load::{is_criterion_id, is_subcriterion_id};
use crate::model::{Catalog, Criterion, SubCriterion};

/// How many suggestions an unknown-ID error offers at most.
const MAX_SUGGESTIONS: usize = 3;

/// One search hit with its relevance score (higher is better).
#[derive(Debug, Clone, Copy)]
pub struct SearchHit<'a> {
    /// The criterion found.
    pub criterion: &'a Criterion,
    /// Relevance; only meaningful relative to other hits of the same search.
    pub score: u32,
}

/// What [`Catalog::find`] found: a criterion, or a sub-criterion with its criterion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found<'a> {
    /// A criterion, such as `CRY-03`.
    Criterion(&'a Criterion),
    /// A sub-criterion, such as `CRY-03.01B`, and the criterion it belongs to.
    SubCriterion(&'a Criterion, &'a SubCriterion),
}

impl<'a> Found<'a> {
    /// The ID found, in its catalogue spelling.
    pub fn id(&self) -> &'a str {
        match self {
            Self::Criterion(c) => &c.id,
            Self::SubCriterion(_, s) => &s.id,
        }
    }

    /// The criterion found, or the one the sub-criterion belongs to.
    pub fn criterion(&self) -> &'a Criterion {
        match self {
            Self::Criterion(c) | Self::SubCriterion(c, _) => c,
        }
    }

    /// The sub-criterion, when one was found.
    pub fn subcriterion(&self) -> Option<&'a SubCriterion> {
        match self {
            Self::Criterion(_) => None,
            Self::SubCriterion(_, s) => Some(s),
        }
    }
}

impl Catalog {
    /// Looks a criterion up by ID. Case and surrounding white space are ignored;
    /// an unknown ID yields [`CatalogError::UnknownCriterion`] with the nearest IDs.
    ///
    /// Only criteria are found; for a sub-criterion ID (`CRY-03.01B`) the error
    /// suggests its criterion. [`Catalog::find`] finds both.
    pub fn get(&self, input: &str) -> Result<&Criterion, CatalogError> {
        let wanted = normalise_id(input);
        self.exact(&wanted)
            .ok_or_else(|| CatalogError::UnknownCriterion {
                input: input.trim().to_owned(),
                suggestions: match self.exact_subcriterion(&wanted) {
                    Some((criterion, _)) => vec![criterion.id.clone()],
                    None => self.suggest(&wanted),
                },
            })
    }

    /// Looks a criterion or a sub-criterion up by ID (`CRY-03`, `cry-03.01b`). Case
    /// and surrounding white space are ignored; an unknown ID yields
    /// [`CatalogError::UnknownCriterion`] with the nearest IDs.
    pub fn find(&self, input: &str) -> Result<Found<'_>, CatalogError> {
        let wanted = normalise_id(input);
        if let Some(criterion) = self.exact(&wanted) {
            return Ok(Found::Criterion(criterion));
        }
        if let Some((criterion, sub)) = self.exact_subcriterion(&wanted) {
            return Ok(Found::SubCriterion(criterion, sub));
        }
        Err(CatalogError::UnknownCriterion {
            input: input.trim().to_owned(),
            suggestions: self.suggest(&wanted),
        })
    }

    /// The known IDs nearest to `wanted` (already normalised), best first. An input
    /// without a dot is compared with criterion IDs, one with a dot with sub-criterion
    /// IDs.
    fn suggest(&self, wanted: &str) -> Vec<String> {
        // `IDM-9` most likely means `IDM-09`, `CRY-3.1b` means `CRY-03.01B`.
        let padded = pad_id(wanted);
        if let Some(padded) = &padded
            && padded != wanted
            && self.contains(padded)
        {
            return vec![padded.clone()];
        }
        let wanted = padded.as_deref().unwrap_or(wanted);
        if wanted.contains('.') {
            // `CRY-03.01` without a level: the sub-criteria with that number.
            let numbered: Vec<String> = self
                .sub_by_id
                .keys()
                .filter(|id| {
                    id.strip_prefix(wanted)
                        .is_some_and(|suffix| matches!(suffix, "B" | "AS" | "AC"))
                })
                .cloned()
                .collect();
            if !numbered.is_empty() {
                return self.in_catalogue_order(numbered);
            }
            let parent = wanted.split_once('.').map_or("", |(c, _)| c);
            // Nearest first; at equal distance, the sub-criteria of the same criterion.
            let mut scored: Vec<(usize, bool, &str)> = self
                .subcriteria()
                .map(|(c, s)| {
                    (
                        strsim::damerau_levenshtein(wanted, &s.id),
                        c.id != parent,
                        s.id.as_str(),
                    )
                })
                .filter(|&(distance, _, _)| distance <= 2)
                .collect();
            scored.sort_by_key(|&(distance, elsewhere, _)| (distance, elsewhere));
            let mut suggestions: Vec<String> =
                scored.into_iter().map(|(_, _, id)| id.to_owned()).collect();
            suggestions.truncate(MAX_SUGGESTIONS);
            // Nothing near, but the criterion exists (or the catalogue has no
            // sub-criteria at all): point to the criterion.
            if suggestions.is_empty() && self.exact(parent).is_some() {
                suggestions.push(parent.to_owned());
            }
            return suggestions;
        }
        let mut scored: Vec<(usize, &str)> = self
            .criteria
            .iter()
            .map(|c| (strsim::damerau_levenshtein(wanted, &c.id), c.id.as_str()))
            .filter(|&(distance, _)| distance <= 2)
            .collect();
        scored.sort_by_key(|&(distance, _)| distance);
        let mut suggestions: Vec<String> =
            scored.into_iter().map(|(_, id)| id.to_owned()).collect();
        suggestions.truncate(MAX_SUGGESTIONS);
        suggestions
    }

    /// `ids` (sub-criterion IDs of this catalogue) in catalogue order, at most
    /// [`MAX_SUGGESTIONS`].
    fn in_catalogue_order(&self, mut ids: Vec<String>) -> Vec<String> {
        ids.sort_by_key(|id| self.sub_by_id.get(id).copied());
        ids.truncate(MAX_SUGGESTIONS);
        ids
    }

    /// Full-text search over IDs, titles (English and, where the data has them,
    /// German), tags, summaries and sub-criterion labels, best match first.
    ///
    /// Every word of the query counts; a word matches a word of the text that starts
    /// with it (`encrypt` finds `encryption`). Title matches weigh more than summary
    /// matches, and the whole phrase in the title weighs most. Criteria that match no
    /// word are left out; ties keep catalogue order.
    pub fn search(&self, query: &str) -> Vec<SearchHit<'_>> {
        let words = tokenize(query);
        if words.is_empty() {
            return Vec::new();
        }
        let phrase = words.join(" ");
        let wanted_id = normalise_id(query);
        let mut hits: Vec<SearchHit<'_>> = self
            .criteria
            .iter()
            .filter_map(|criterion| {
                let mut score = score(criterion, &words, &phrase);
                if criterion.id == wanted_id {
                    score += 100;
                }
                (score > 0).then_some(SearchHit { criterion, score })
            })
            .collect();
        // Equal scores: the shorter title is the more specific match.
        hits.sort_by(|a, b| {
            b.score
                .cmp(&a.score)
                .then_with(|| a.criterion.title.len().cmp(&b.criterion.title.len()))
        });
        hits
    }
}

/// Upper-cases and trims an ID as typed by a user.
pub(crate) fn normalise_id(input: &str) -> String {
    input.trim().to_ascii_uppercase()
}

/// `IDM-9` → `IDM-09`, `CRY-3.1B` → `CRY-03.01B`: one-digit numbers padded, when the
/// rest has the shape of an ID. `None` when it does not.
fn pad_id(wanted: &str) -> Option<String> {
    let pad = |n: &str| -> Option<String> {
        match n.len() {
            1 | 2 if n.bytes().all(|b| b.is_ascii_digit()) => Some(format!("{n:0>2}")),
            _ => None,
        }
    };
    let (domain, rest) = wanted.split_once('-')?;
    match rest.split_once('.') {
        None => {
            let padded = format!("{domain}-{}", pad(rest)?);
            is_criterion_id(&padded).then_some(padded)
        }
        Some((number, sub)) => {
            let digits = sub.trim_end_matches(char::is_alphabetic);
            let suffix = &sub[digits.len()..];
            let padded = format!("{domain}-{}.{}{suffix}", pad(number)?, pad(digits)?);
            let shaped = if suffix.is_empty() {
                is_criterion_id(&padded[..padded.len() - 3])
            } else {
                is_subcriterion_id(&padded)
            };
            shaped.then_some(padded)
        }
    }
}

/// Splits text into lower-case alphanumeric words.
fn tokenize(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn score(criterion: &Criterion, words: &[String], phrase: &str) -> u32 {
    let mut title = tokenize(&criterion.title);
    if let Some(title_de) = &criterion.title_de {
        title.extend(tokenize(title_de));
    }
    let mut summary = tokenize(&criterion.summary);
    for sub in &criterion.subcriteria {
        summary.extend(tokenize(&sub.label));
    }
    let tags: Vec<String> = criterion.tags.iter().flat_map(|t| tokenize(t)).collect();
    let matches = |haystack: &[String], word: &str| haystack.iter().any(|h| h.starts_with(word));

    let mut score = 0;
    let mut matched_words = 0;
    for word in words {
        let mut hit = false;
        if matches(&title, word) {
            score += 5;
            hit = true;
        }
        if matches(&tags, word) {
            score += 3;
            hit = true;
        }
        if matches(&summary, word) {
            score += 1;
            hit = true;
        }
        if hit {
            matched_words += 1;
        }
    }
    if score == 0 {
        return 0;
    }
    // Prefer criteria that match every word, then the exact phrase.
    if matched_words == words.len() {
        score += 4;
    }
    if words.len() > 1 {
        if title.join(" ").contains(phrase) {
            score += 10;
        } else if summary.join(" ").contains(phrase) {
            score += 4;
        }
    }
    score
}
