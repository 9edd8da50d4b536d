// The Mocks window's words: key => English, Simplified Chinese.
// Included by i18n.rs. Placeholders are {name}; keep them in every language.
catalogue! {
    TrMock;
    Window => "Mocks", "模拟设备";
    Intro => "Device mocks answer what the connection of '{tab}' receives, by the rules of the files switched on here (kept with its profile). The format is in docs/scenarios.md.", "模拟设备按此处启用的文件中的规则，应答“{tab}”的连接收到的消息（随配置文件保存）。格式见 docs/scenarios.md。";
    Folder => "Folder", "文件夹";
    Reload => "Reload", "重新加载";
    ReloadHint => "Lists the folder and reads the files switched on again (after editing them)", "重新列出文件夹并重新读取已启用的文件（编辑后使用）";
    AddFile => "Add file…", "添加文件…";
    ChooseFileTitle => "Choose a mock file (.ron)", "选择模拟文件（.ron）";
    Reading => "Reading…", "正在读取…";
    Empty => "No mock files here yet: write one (see the example in the repository's scenarios/mocks/ folder), put it in this folder and Reload, or add a file from elsewhere.", "这里还没有模拟文件：编写一个（参见仓库 scenarios/mocks/ 文件夹中的示例），放入此文件夹后重新加载，或从其他位置添加文件。";
    Rules => "{n} {n|rule|rules}", "{n} 条规则";
    NotRead => "The mock files could not be read, so none answers: {error}", "无法读取模拟文件，因此都不会应答：{error}";
    Stopped => "The mocks stopped answering: {reason}. Switch a file off and on again (or Reload) to start them afresh.", "模拟设备已停止应答：{reason}。将文件关闭后重新启用（或重新加载）即可重新开始。";
    NoneOn => "No mock is switched on for this tab.", "此标签页没有启用模拟设备。";
    NotConnected => "Switched on: the mocks answer once the tab is connected.", "已启用：标签页连接后模拟设备开始应答。";
    ListeningOn => "Listening on", "正在监听";
    Answered => "{n} {n|answer|answers} sent", "已发送 {n} 条应答";
    AnsweredBy => "{file}, rule {rule}, after {ms} ms", "{file}，规则 {rule}，延迟 {ms} 毫秒";
}
