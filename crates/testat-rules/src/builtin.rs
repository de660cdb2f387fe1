//! The rules that ship inside the binary (`rules/` at the repository root).

use std::path::{Path, PathBuf};

use include_dir::{Dir, DirEntry, include_dir};

static RULES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../../rules");

/// The bytes of a built-in file, by path relative to `rules/`.
pub(crate) fn file(path: &Path) -> Option<&'static [u8]> {
    RULES.get_file(path).map(include_dir::File::contents)
}

/// Every built-in rule file (`*.yaml` outside `fixtures/` directories), sorted by path.
pub(crate) fn rule_files() -> Vec<(PathBuf, &'static str)> {
    let mut files = Vec::new();
    collect(&RULES, &mut files);
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}

fn collect(dir: &'static Dir<'static>, out: &mut Vec<(PathBuf, &'static str)>) {
    for entry in dir.entries() {
        match entry {
            DirEntry::Dir(sub) => {
                if sub.path().file_name().is_some_and(|n| n != "fixtures") {
                    collect(sub, out);
                }
            }
            DirEntry::File(file) => {
                let path = file.path();
                if path.extension().is_some_and(|e| e == "yaml" || e == "yml")
                    && let Some(text) = file.contents_utf8()
                {
                    out.push((path.to_owned(), text));
                }
            }
        }
    }
}
