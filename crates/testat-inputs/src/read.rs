//! Reading paths: files, directories (recursively) and standard input.

use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use walkdir::WalkDir;

use crate::decode::{SNIFF_LEN, decode, looks_like_input, looks_ours};
use crate::link_data::FileLinks;
use crate::reader::{Outcome, Parsed};
use crate::{InputError, InputFile, InputKind, InputSet, Resource};

/// Limits for reading input files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadOptions {
    /// Files larger than this many bytes are not read (a problem says so). Default 2 GiB.
    pub max_file_size: u64,
}

impl Default for ReadOptions {
    fn default() -> Self {
        Self {
            max_file_size: 2 * 1024 * 1024 * 1024,
        }
    }
}

/// Directories not descended into.
const SKIPPED_DIRECTORIES: &[&str] = &[".git", ".terraform"];

/// Reads every path: files, directories (recursively, in sorted order) and `-` for
/// standard input, then builds the links between resources.
///
/// A file named here is expected to be in a format Testat reads; if it is not, that is a
/// problem. Under a directory, files are recognised by content, not by name: every
/// regular file that starts like JSON or YAML is tried, and files that are not a
/// Terraform plan or state or Kubernetes manifests are listed in `skipped`. `.git` and
/// `.terraform` directories are not entered; symbolic links under a directory are not
/// followed (they are listed in `skipped`, broken ones are problems). A file that cannot
/// be read becomes a problem and the other files are still read.
pub fn read_paths(paths: &[PathBuf], options: &ReadOptions) -> InputSet {
    let mut set = InputSet::default();
    for path in paths {
        if path.as_os_str() == "-" {
            set.read_stdin(options);
            continue;
        }
        match fs::metadata(path) {
            Ok(metadata) if metadata.is_dir() => set.read_directory(path, options),
            Ok(_) => set.read_file(path, true, false, options),
            Err(error) => set.problems.push(missing_path(path, error)),
        }
    }
    set.finish();
    set
}

/// The problem for a path whose metadata could not be read: a broken link or an I/O error.
fn missing_path(path: &Path, error: io::Error) -> InputError {
    match fs::read_link(path) {
        Ok(target) => InputError::BrokenLink {
            path: path.to_path_buf(),
            target,
        },
        Err(_) => InputError::Read {
            path: path.to_path_buf(),
            source: error,
        },
    }
}

/// Why a Helm chart's template is skipped.
const CHART_NOTE: &str = "a Helm chart template (in `templates/` beside `Chart.yaml`): it is a Go template, not YAML, until Helm renders it; scan the output of `helm template` instead";

/// Why a file with template syntax that does not read as YAML is skipped.
const TEMPLATE_NOTE: &str = "a template (`{{ ... }}`), not YAML until rendered; scan the rendered output instead (`helm template`, `kustomize build`)";

/// Why a file of a Kustomize configuration that is not a valid manifest is skipped.
const KUSTOMIZE_NOTE: &str = "part of a Kustomize configuration (beside `kustomization.yaml`) that is not a valid manifest on its own (a patch, for example); scan the output of `kustomize build` instead";

/// The note for a file under a directory that is a Helm chart's template: it lies in a
/// `templates` folder (at any depth) whose parent has a `Chart.yaml`.
fn chart_template(path: &Path) -> Option<&'static str> {
    path.ancestors()
        .skip(1)
        .filter(|dir| dir.file_name().is_some_and(|name| name == "templates"))
        .any(|templates| {
            templates
                .parent()
                .is_some_and(|chart| chart.join("Chart.yaml").is_file())
        })
        .then_some(CHART_NOTE)
}

/// Whether a file lies beside a Kustomize configuration file.
fn kustomize_part(path: &Path) -> bool {
    path.parent().is_some_and(|dir| {
        ["kustomization.yaml", "kustomization.yml", "Kustomization"]
            .iter()
            .any(|name| dir.join(name).is_file())
    })
}

/// Hex SHA-256 of bytes.
fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for byte in digest {
        for nibble in [byte >> 4, byte & 0xF] {
            out.push(char::from_digit(u32::from(nibble), 16).unwrap_or('0'));
        }
    }
    out
}

impl InputSet {
    fn read_stdin(&mut self, options: &ReadOptions) {
        let path = PathBuf::from("-");
        let mut bytes = Vec::new();
        let read = io::stdin()
            .lock()
            .take(options.max_file_size.saturating_add(1))
            .read_to_end(&mut bytes);
        if let Err(source) = read {
            self.problems.push(InputError::Read { path, source });
            return;
        }
        self.add_bytes(path, bytes, true, options);
    }

    fn read_directory(&mut self, directory: &Path, options: &ReadOptions) {
        let walk = WalkDir::new(directory)
            .follow_links(false)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|entry| {
                entry.depth() == 0
                    || !entry.file_type().is_dir()
                    || !entry
                        .file_name()
                        .to_str()
                        .is_some_and(|name| SKIPPED_DIRECTORIES.contains(&name))
            });
        for entry in walk {
            let entry = match entry {
                Ok(entry) => entry,
                Err(error) => {
                    let path = error.path().unwrap_or(directory).to_path_buf();
                    let message = error.to_string();
                    let source = error
                        .into_io_error()
                        .unwrap_or_else(|| io::Error::other(message));
                    self.problems.push(InputError::Read { path, source });
                    continue;
                }
            };
            let file_type = entry.file_type();
            if file_type.is_dir() {
                continue;
            }
            let path = entry.path();
            if file_type.is_symlink() {
                match fs::metadata(path) {
                    Ok(_) => self.skipped.push(path.to_path_buf()),
                    Err(error) => self.problems.push(missing_path(path, error)),
                }
            } else if file_type.is_file() {
                if let Some(note) = chart_template(path) {
                    self.skip_with_note(path.to_path_buf(), note);
                    continue;
                }
                let part = kustomize_part(path);
                self.read_file(path, false, part, options);
            } else {
                self.skipped.push(path.to_path_buf());
            }
        }
    }

    /// Reads one file. `explicit` is true for files named by the user; `kustomize_part`
    /// for files beside a `kustomization.yaml`.
    fn read_file(
        &mut self,
        path: &Path,
        explicit: bool,
        kustomize_part: bool,
        options: &ReadOptions,
    ) {
        let limit = options.max_file_size;
        let mut file = match File::open(path) {
            Ok(file) => file,
            Err(source) => {
                self.problems.push(InputError::Read {
                    path: path.to_path_buf(),
                    source,
                });
                return;
            }
        };
        let size = file
            .metadata()
            .ok()
            .filter(fs::Metadata::is_file)
            .map(|metadata| metadata.len());
        let mut bytes = Vec::new();
        if !explicit {
            // Look at the start first, so large files that are not ours are not read.
            if let Err(source) = (&mut file).take(SNIFF_LEN as u64).read_to_end(&mut bytes) {
                self.problems.push(InputError::Read {
                    path: path.to_path_buf(),
                    source,
                });
                return;
            }
            if !looks_like_input(&bytes) {
                self.skipped.push(path.to_path_buf());
                return;
            }
        }
        if let Some(size) = size.filter(|&size| size > limit) {
            self.problems.push(InputError::TooLarge {
                path: path.to_path_buf(),
                size: Some(size),
                limit,
            });
            return;
        }
        if let Some(size) = size {
            bytes.reserve(
                usize::try_from(size)
                    .unwrap_or(0)
                    .saturating_sub(bytes.len())
                    + 1,
            );
        }
        let already = bytes.len() as u64;
        let read = (&mut file)
            .take(limit.saturating_add(1).saturating_sub(already))
            .read_to_end(&mut bytes);
        if let Err(source) = read {
            self.problems.push(InputError::Read {
                path: path.to_path_buf(),
                source,
            });
            return;
        }
        self.add(path.to_path_buf(), bytes, explicit, kustomize_part, options);
    }

    /// Reads one file's bytes (standard input, a file embedded in the binary, or a file
    /// read by the caller). `explicit` says whether the user named this file: a file
    /// found under a directory (`false`) that is not in a format we read is only listed
    /// in `skipped`, while a named file becomes a problem.
    ///
    /// Call [`InputSet::finish`] after the last file to build the links.
    pub fn add_bytes(
        &mut self,
        path: PathBuf,
        bytes: Vec<u8>,
        explicit: bool,
        options: &ReadOptions,
    ) {
        self.add(path, bytes, explicit, false, options);
    }

    /// A skipped file, with the reason and what to scan instead.
    fn skip_with_note(&mut self, path: PathBuf, note: &str) {
        self.skip_notes.push((path.clone(), note.to_owned()));
        self.skipped.push(path);
    }

    fn add(
        &mut self,
        path: PathBuf,
        bytes: Vec<u8>,
        explicit: bool,
        kustomize_part: bool,
        options: &ReadOptions,
    ) {
        let size = bytes.len() as u64;
        if size > options.max_file_size {
            let size = (path.as_os_str() != "-").then_some(size);
            self.problems.push(InputError::TooLarge {
                path,
                size,
                limit: options.max_file_size,
            });
            return;
        }
        if !explicit && !looks_like_input(&bytes) {
            self.skipped.push(path);
            return;
        }
        let sha256 = sha256_hex(&bytes);
        let text = match decode(bytes) {
            Ok(text) => text,
            Err((error, bytes)) => {
                if explicit || looks_ours(&bytes) {
                    self.problems.push(InputError::Encoding {
                        path,
                        offset: error.offset as u64,
                        line: error.line,
                        column: error.column,
                        message: error.message,
                    });
                } else {
                    self.skipped.push(path);
                }
                return;
            }
        };
        let first = text.trim_start().chars().next();
        let outcome = match first {
            None if explicit => {
                self.problems.push(InputError::Empty { path });
                return;
            }
            None => {
                self.skipped.push(path);
                return;
            }
            Some(_) => crate::dispatch::read(&path, &text, explicit),
        };
        if !explicit {
            let invalid = match &outcome {
                Outcome::Read(parsed) => {
                    !parsed.problems.is_empty() || !parsed.malformed.is_empty()
                }
                Outcome::Failed(_) => true,
                Outcome::NotOurs(_) => false,
            };
            if invalid && kustomize_part {
                self.skip_with_note(path, KUSTOMIZE_NOTE);
                return;
            }
            if matches!(outcome, Outcome::Failed(_)) && text.contains("{{") {
                self.skip_with_note(path, TEMPLATE_NOTE);
                return;
            }
        }
        match outcome {
            Outcome::Read(parsed) => self.push(path, text, sha256, size, parsed),
            Outcome::NotOurs(found) if explicit => {
                self.problems.push(InputError::Unrecognised { path, found });
            }
            Outcome::NotOurs(_) => self.skipped.push(path),
            Outcome::Failed(problems) => {
                if explicit || looks_ours(text.as_bytes()) {
                    self.problems.extend(problems);
                } else {
                    self.skipped.push(path);
                }
            }
        }
    }

    fn push(&mut self, path: PathBuf, text: String, sha256: String, size: u64, parsed: Parsed) {
        let file = self.files.len();
        let first = self.resources.len();
        let count = parsed.resources.len();
        let mut providers: Vec<String> = Vec::new();
        for mut resource in parsed.resources {
            resource.file = file;
            if !resource.provider.is_empty() && !providers.contains(&resource.provider) {
                providers.push(resource.provider.clone());
            }
            self.resources.push(resource);
        }
        if matches!(
            parsed.kind,
            InputKind::TerraformPlan | InputKind::TerraformState
        ) {
            self.resources.extend(
                providers
                    .into_iter()
                    .map(|provider| Resource::account(provider, file)),
            );
        }
        self.links.resize_with(self.resources.len(), Vec::new);
        self.problems.extend(parsed.problems);
        self.malformed.extend(
            parsed
                .malformed
                .into_iter()
                .map(|(index, reason)| (first + index, reason)),
        );
        self.link_data.push(FileLinks {
            first,
            count,
            data: parsed.links,
        });
        // Only Terraform values point into the text; a manifest's would be dead weight.
        let text = match parsed.kind {
            InputKind::Kubernetes => String::new(),
            InputKind::TerraformPlan | InputKind::TerraformState => text,
        };
        self.files.push(InputFile {
            path,
            kind: parsed.kind,
            text,
            sha256,
            size,
            format_version: parsed.format_version,
            terraform_version: parsed.terraform_version,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_bytes() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
