//! The printable slips a teacher hands out: one per seat, with the seat's name, its code,
//! the link that opens it and that link as a QR code. A file for the teacher's printer
//! only: the host never serves it, since it holds every seat's code.

use qrcode::QrCode;
use qrcode::render::svg;

use super::host::Announcement;

/// One seat's slip.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slip {
    /// The party's name, as the table shows it.
    pub seat: String,
    pub code: String,
    /// `http://HOST:PORT/?code=CODE`.
    pub link: String,
}

/// The slips of every seat people play, in the order given (`seats`: party id → name).
pub fn slips(announcement: &Announcement, seats: &[(String, String)]) -> Vec<Slip> {
    seats
        .iter()
        .filter_map(|(id, name)| {
            let code = announcement.seats.get(id)?;
            Some(Slip {
                seat: name.clone(),
                code: code.clone(),
                link: format!("{}?code={code}", announcement.http),
            })
        })
        .collect()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The link as an SVG QR code (empty if it cannot be one: a link too long).
pub fn qr_svg(link: &str) -> String {
    QrCode::new(link.as_bytes())
        .map(|q| {
            q.render::<svg::Color>()
                .min_dimensions(150, 150)
                .quiet_zone(true)
                .build()
        })
        .unwrap_or_default()
}

/// A page of slips to print, cut along the dashed lines.
pub fn page(title: &str, address: &str, slips: &[Slip]) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Accord — slips for {t}</title>\
<style>body{{font-family:sans-serif;margin:1cm}} .slip{{display:inline-block;width:8.5cm;border:1px dashed #888;\
padding:0.4cm;margin:0.2cm;vertical-align:top;page-break-inside:avoid}} .code{{font:bold 20pt monospace;letter-spacing:2px}}\
.qr svg{{width:3.5cm;height:3.5cm}} p{{margin:0.2em 0}} .note{{color:#555;font-size:9pt}}</style></head><body>\
<h1>{t}</h1><p>Cut out one slip per seat and give each team its own. Keep the codes private: a code is a seat.</p>",
        t = escape(title)
    ));
    for s in slips {
        out.push_str(&format!(
            "<div class=\"slip\"><p><strong>{seat}</strong></p>\
<p>In the Accord game: <em>Join a class</em>, address <strong>{address}</strong>, code:</p>\
<p class=\"code\">{code}</p><p class=\"qr\">{qr}</p><p class=\"note\">{link}</p></div>",
            seat = escape(&s.seat),
            address = escape(address),
            code = escape(&s.code),
            qr = qr_svg(&s.link),
            link = escape(&s.link),
        ));
    }
    out.push_str("</body></html>\n");
    out
}
