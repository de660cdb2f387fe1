//! Rebuild when anything under `rules/` changes: the built-in rules are embedded with
//! `include_dir!`, which cannot tell cargo about files added to the directory.

fn main() {
    println!("cargo:rerun-if-changed=../../rules");
}
