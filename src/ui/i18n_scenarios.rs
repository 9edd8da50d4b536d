// The Scenarios window's words: key => English, Simplified Chinese.
// Included by i18n.rs. Placeholders are {name}; keep them in every language.
catalogue! {
    TrScenario;
    Window => "Scenarios", "场景";
    Folder => "Folder", "文件夹";
    NoFolder => "(none chosen)", "（未选择）";
    ChooseFolder => "Choose folder…", "选择文件夹…";
    ChooseFolderTitle => "Choose a folder of scenario files", "选择场景文件所在文件夹";
    Reload => "Reload", "重新加载";
    RunAll => "Run all", "全部运行";
    RunHint => "Runs with the saved profile the scenario names, else the active tab's connection settings, on connections of its own", "使用场景指定的已保存配置（否则使用当前标签页的连接设置），在独立连接上运行";
    Reading => "Reading the folder…", "正在读取文件夹…";
    Empty => "No scenario files (.ron) here yet: write one (see the README's Scenarios section or the examples in the repository's scenarios/ folder) and Reload.", "这里还没有场景文件（.ron）：编写一个（参见 README 的场景部分或仓库 scenarios/ 文件夹中的示例），然后重新加载。";
    Pick => "Pick a scenario to see its steps; ▶ runs it.", "选择一个场景以查看其步骤；▶ 运行它。";
    Steps => "{n} {n|step|steps}", "{n} 个步骤";
    Arrived => "What arrived on {topic}", "{topic} 上实际收到的消息";
    ExpectedVsArrived => "expected → arrived (lines: − expected, + arrived)", "预期 → 实际收到（按行：− 预期，+ 实际收到）";
}
