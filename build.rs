//! Windows builds carry the app icon and version information in the .exe
//! (what Explorer, the taskbar and "Properties → Details" show). Nothing
//! to do for other targets.

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=assets/topicscope.ico");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("windows") {
        return;
    }
    let mut resource = winresource::WindowsResource::new();
    resource
        .set_icon("assets/topicscope.ico")
        .set("ProductName", "Topicscope")
        .set("FileDescription", "Topicscope MQTT test client")
        .set("CompanyName", "Topicscope")
        .set("LegalCopyright", "MIT OR Apache-2.0");
    if let Err(error) = resource.compile() {
        // Without a resource compiler (rc.exe with the Windows SDK, or
        // mingw's windres when cross-compiling) the .exe would have no icon.
        println!("cargo::error=cannot embed the icon and version information: {error}");
    }
}
