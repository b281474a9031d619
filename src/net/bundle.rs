//! The browser client's files, as the host serves them: a folder that `web/build` makes
//! (`index.html`, `accord.js`, `accord_bg.wasm`, and their `.gz` twins), found beside
//! the host's binary. Only the names of [`FILES`] are ever served, each with its type;
//! the folder is read once, when the host starts, so that no request touches the disk.
//! Without the folder the host serves the page that tells students to use the desktop
//! game, and `cargo test` on a fresh clone needs none.

use std::io;
use std::path::{Path, PathBuf};

/// The files of the bundle: (URL path, file name, content type).
pub const FILES: &[(&str, &str, &str)] = &[
    ("/", "index.html", "text/html; charset=utf-8"),
    ("/index.html", "index.html", "text/html; charset=utf-8"),
    ("/accord.js", "accord.js", "text/javascript; charset=utf-8"),
    ("/accord_bg.wasm", "accord_bg.wasm", "application/wasm"),
];

/// The largest file read into the bundle (the `.wasm` is about 25 MB).
const MAX_FILE: u64 = 128 * 1024 * 1024;

/// One file to send: its bytes, type, and whether they are gzip-compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Served<'a> {
    pub body: &'a [u8],
    pub content_type: &'static str,
    pub gzip: bool,
}

/// The bundle, in memory.
pub struct Bundle {
    /// Where it was read from.
    pub dir: PathBuf,
    /// By file name: the plain bytes and the gzip twin, if any.
    files: Vec<(&'static str, Vec<u8>, Option<Vec<u8>>)>,
}

impl Bundle {
    /// Reads the bundle's files from `dir`; every plain file must be there.
    pub fn read(dir: &Path) -> io::Result<Bundle> {
        let mut files = Vec::new();
        for (_, name, _) in FILES {
            if files.iter().any(|(n, _, _)| n == name) {
                continue;
            }
            let plain = read_limited(&dir.join(name))?;
            let gz = read_limited(&dir.join(format!("{name}.gz"))).ok();
            files.push((*name, plain, gz));
        }
        Ok(Bundle {
            dir: dir.to_path_buf(),
            files,
        })
    }

    /// The bundle beside the running binary (see [`candidates`]), if one is there.
    pub fn beside_binary() -> Option<Bundle> {
        let exe = std::env::current_exe().ok()?;
        candidates(&exe)
            .iter()
            .find_map(|dir| Bundle::read(dir).ok())
    }

    /// What to answer for `path` (query left off); `gzip`: the browser accepts it.
    pub fn get(&self, path: &str, gzip: bool) -> Option<Served<'_>> {
        let route = path.split('?').next().unwrap_or(path);
        let (_, name, content_type) = FILES.iter().find(|(p, _, _)| *p == route)?;
        let (_, plain, gz) = self.files.iter().find(|(n, _, _)| n == name)?;
        Some(match gz {
            Some(gz) if gzip => Served {
                body: gz,
                content_type,
                gzip: true,
            },
            _ => Served {
                body: plain,
                content_type,
                gzip: false,
            },
        })
    }

    /// The `.wasm`'s size, plain and gzipped (if the twin is there).
    pub fn wasm_sizes(&self) -> (usize, Option<usize>) {
        self.files
            .iter()
            .find(|(n, _, _)| *n == "accord_bg.wasm")
            .map_or((0, None), |(_, plain, gz)| {
                (plain.len(), gz.as_ref().map(Vec::len))
            })
    }
}

impl std::fmt::Debug for Bundle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bundle")
            .field("dir", &self.dir)
            .field("wasm_sizes", &self.wasm_sizes())
            .finish()
    }
}

/// Where a host at `exe` looks for the bundle, in order: `web/` beside the binary (as
/// the packages install it), then `target/web-bundle` when the binary is `target/*/accord`
/// in a checkout (where `web/build` leaves it; `target/web` is cargo's own, of the `web`
/// profile).
pub fn candidates(exe: &Path) -> Vec<PathBuf> {
    let Some(dir) = exe.parent() else {
        return Vec::new();
    };
    let mut found = vec![dir.join("web")];
    if let Some(target) = dir.parent() {
        found.push(target.join("web-bundle"));
    }
    found
}

fn read_limited(path: &Path) -> io::Result<Vec<u8>> {
    let size = std::fs::metadata(path)?.len();
    if size > MAX_FILE {
        return Err(io::Error::other(format!(
            "{} is larger than {MAX_FILE} bytes",
            path.display()
        )));
    }
    std::fs::read(path)
}

/// Whether an `Accept-Encoding` header allows gzip (and does not refuse it with `q=0`).
pub fn accepts_gzip(header: Option<&str>) -> bool {
    header.is_some_and(|h| {
        h.split(',').any(|part| {
            let mut fields = part.split(';').map(str::trim);
            let coding = fields.next().unwrap_or("");
            let refused = fields.any(|f| {
                f.strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            (coding.eq_ignore_ascii_case("gzip") || coding == "*") && !refused
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(with_gz: bool) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, body) in [
            ("index.html", "<!doctype html>"),
            ("accord.js", "export default 1;"),
            ("accord_bg.wasm", "\0asm"),
        ] {
            std::fs::write(dir.path().join(name), body).unwrap();
            if with_gz {
                std::fs::write(dir.path().join(format!("{name}.gz")), format!("gz:{body}"))
                    .unwrap();
            }
        }
        // Beside the bundle, a file that must never be served.
        std::fs::write(dir.path().join("secret.ron"), "brief").unwrap();
        dir
    }

    #[test]
    fn only_the_listed_names_are_served_with_their_types() {
        let dir = folder(false);
        let b = Bundle::read(dir.path()).unwrap();
        let page = b.get("/?code=abc&name=x", false).unwrap();
        assert_eq!(page.body, b"<!doctype html>");
        assert_eq!(page.content_type, "text/html; charset=utf-8");
        assert_eq!(
            b.get("/accord_bg.wasm", true).unwrap().content_type,
            "application/wasm"
        );
        assert!(
            b.get("/accord.js", false)
                .unwrap()
                .content_type
                .starts_with("text/javascript")
        );
        for path in [
            "/secret.ron",
            "/../secret.ron",
            "/web/index.html",
            "/accord_bg.wasm.gz",
            "",
        ] {
            assert!(b.get(path, true).is_none(), "{path} was served");
        }
    }

    #[test]
    fn gzip_twins_only_when_asked_for() {
        let dir = folder(true);
        let b = Bundle::read(dir.path()).unwrap();
        let plain = b.get("/accord.js", false).unwrap();
        assert_eq!((plain.body, plain.gzip), (&b"export default 1;"[..], false));
        let gz = b.get("/accord.js", true).unwrap();
        assert_eq!((gz.body, gz.gzip), (&b"gz:export default 1;"[..], true));
        assert_eq!(b.wasm_sizes(), (4, Some(7)));
        // Without twins, gzip asked for still gets the plain file.
        let b = Bundle::read(folder(false).path()).unwrap();
        assert!(!b.get("/accord.js", true).unwrap().gzip);
        assert_eq!(b.wasm_sizes(), (4, None));
    }

    #[test]
    fn a_missing_file_is_no_bundle() {
        let dir = folder(false);
        std::fs::remove_file(dir.path().join("accord.js")).unwrap();
        assert!(Bundle::read(dir.path()).is_err());
    }

    #[test]
    fn the_bundle_is_looked_for_beside_the_binary_then_in_target() {
        let found = candidates(Path::new("/opt/accord/target/release/accord"));
        assert_eq!(
            found,
            [
                PathBuf::from("/opt/accord/target/release/web"),
                PathBuf::from("/opt/accord/target/web-bundle")
            ]
        );
    }

    #[test]
    fn accept_encoding_is_read_as_browsers_send_it() {
        assert!(accepts_gzip(Some("gzip, deflate, br, zstd")));
        assert!(accepts_gzip(Some("br;q=1.0, GZIP;q=0.5")));
        assert!(accepts_gzip(Some("*")));
        assert!(!accepts_gzip(Some("gzip;q=0, br")));
        assert!(!accepts_gzip(Some("identity")));
        assert!(!accepts_gzip(Some("")));
        assert!(!accepts_gzip(None));
    }
}
