//! Finding criteria by ID (forgiving about case, helpful about typos) and by text.

use crate::CatalogError;
use crate::model::{Catalog, Criterion};

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

impl Catalog {
    /// Looks a criterion up by ID. Case and surrounding white space are ignored;
    /// an unknown ID yields [`CatalogError::UnknownCriterion`] with the nearest IDs.
    pub fn get(&self, input: &str) -> Result<&Criterion, CatalogError> {
        let wanted = normalise_id(input);
        self.exact(&wanted)
            .ok_or_else(|| CatalogError::UnknownCriterion {
                input: input.trim().to_owned(),
                suggestions: self.suggest(&wanted),
            })
    }

    /// The known IDs nearest to `wanted` (already normalised), best first.
    fn suggest(&self, wanted: &str) -> Vec<String> {
        let mut suggestions: Vec<String> = Vec::new();
        // `IDM-9` most likely means `IDM-09`.
        if let Some((domain, number)) = wanted.split_once('-')
            && number.len() == 1
            && number.bytes().all(|b| b.is_ascii_digit())
        {
            let padded = format!("{domain}-0{number}");
            if self.exact(&padded).is_some() {
                return vec![padded];
            }
        }
        let mut scored: Vec<(usize, &str)> = self
            .criteria
            .iter()
            .map(|c| (strsim::damerau_levenshtein(wanted, &c.id), c.id.as_str()))
            .filter(|&(distance, id)| distance <= 2 && !suggestions.iter().any(|s| s == id))
            .collect();
        scored.sort_by_key(|&(distance, _)| distance);
        suggestions.extend(scored.into_iter().map(|(_, id)| id.to_owned()));
        suggestions.truncate(MAX_SUGGESTIONS);
        suggestions
    }

    /// Full-text search over IDs, titles, tags and summaries, best match first.
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

/// Splits text into lower-case alphanumeric words.
fn tokenize(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn score(criterion: &Criterion, words: &[String], phrase: &str) -> u32 {
    let title = tokenize(&criterion.title);
    let summary = tokenize(&criterion.summary);
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
