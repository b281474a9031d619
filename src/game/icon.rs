//! The window's icon (`assets/icon/accord.svg`, rendered to PNG by `assets/icon/render`),
//! embedded so that a bare binary has it. Set on the primary window once winit has made
//! it; the desktop entry and the packages use the same PNGs.

use bevy::asset::RenderAssetUsages;
use bevy::image::{CompressedImageFormats, Image, ImageSampler, ImageType};
use bevy::prelude::*;
use bevy::window::PrimaryWindow;
use bevy::winit::WINIT_WINDOWS;

/// The icon at the size window managers ask for most (title bars, task bars).
pub const ICON_PNG: &[u8] = include_bytes!("../../assets/icon/accord-64.png");

pub fn plugin(app: &mut App) {
    app.add_systems(Update, set_icon);
}

/// The icon as RGBA bytes, with its width and height.
pub fn icon_rgba() -> Option<(Vec<u8>, u32, u32)> {
    let image = Image::from_buffer(
        ICON_PNG,
        ImageType::Extension("png"),
        CompressedImageFormats::NONE,
        true,
        ImageSampler::Default,
        RenderAssetUsages::MAIN_WORLD,
    )
    .ok()?;
    let (w, h) = (image.width(), image.height());
    let rgba = image.try_into_dynamic().ok()?.into_rgba8().into_raw();
    Some((rgba, w, h))
}

/// Sets the icon once the primary window exists (winit makes it after `Startup`).
fn set_icon(
    window: Query<Entity, With<PrimaryWindow>>,
    mut done: Local<bool>,
    _main_thread: bevy::ecs::system::NonSendMarker,
) {
    if *done {
        return;
    }
    let Ok(entity) = window.single() else {
        return;
    };
    let Some((rgba, w, h)) = icon_rgba() else {
        *done = true;
        return;
    };
    WINIT_WINDOWS.with_borrow(|windows| {
        if let Some(window) = windows.get_window(entity) {
            match winit::window::Icon::from_rgba(rgba, w, h) {
                Ok(icon) => window.set_window_icon(Some(icon)),
                Err(e) => warn!("the window icon is not usable: {e}"),
            }
            *done = true;
        }
    });
}
