// The interface's words: key => English, Simplified Chinese.
// Included by i18n.rs. Placeholders are {name}; keep them in every language.
catalogue! {
    // Menu bar
    MenuFile => "File", "文件";
    MenuView => "View", "视图";
    MenuHelp => "Help", "帮助";
    NewConnection => "New connection", "新建连接";
    CloseConnection => "Close connection", "关闭连接";
    EditProfileMenu => "Edit profile…", "编辑配置…";
    ImportProfilesMenu => "Import profiles…", "导入配置…";
    ExportLogMenu => "Export log…", "导出日志…";
    Quit => "Quit", "退出";
    Theme => "Theme", "主题";
    ThemeSystem => "Follow the system", "跟随系统";
    ThemeDark => "Dark", "深色";
    ThemeLight => "Light", "浅色";
    Language => "Language", "语言";
    LanguageSystem => "System language", "系统语言";
    Zoom => "Zoom", "缩放";
    ResetZoom => "Reset to 100 %", "重置为 100 %";
    KeyboardShortcuts => "Keyboard shortcuts", "键盘快捷键";
    About => "About Topicscope", "关于 Topicscope";
    AboutText => "A fast native MQTT test client with an embedded broker.", "带内置代理的快速原生 MQTT 测试客户端。";
    LogFolder => "Log folder:", "日志文件夹：";

    // Shortcuts
    ShortcutPublish => "Publish the composer's message", "发布编辑器中的消息";
    ShortcutSearchLog => "Search the message log", "搜索消息日志";
    ShortcutNewConnection => "New connection tab", "新建连接标签页";
    ShortcutCloseConnection => "Close the connection tab (disconnect the last one)", "关闭连接标签页（最后一个则断开连接）";
    ShortcutClearLog => "Clear the message log", "清空消息日志";
    ShortcutShowShortcuts => "Show these shortcuts", "显示这些快捷键";
    ShortcutCloseDialog => "Close the front dialog", "关闭最前面的对话框";
    ShortcutSubscribe => "Subscribe: type a topic filter", "订阅：输入主题过滤器";
    ShortcutFindTopic => "Find a topic in the topic tree", "在主题树中查找主题";
    ShortcutPauseLog => "Pause or resume the message log (when no field has the cursor)", "暂停或恢复消息日志（没有输入框获得光标时）";
    ShortcutJumpToNewestPlain => "Jump to the newest message (when no field has the cursor)", "跳到最新消息（没有输入框获得光标时）";
    ShortcutZoomIn => "Zoom in", "放大";
    ShortcutZoomOut => "Zoom out", "缩小";
    ShortcutZoomReset => "Reset zoom", "重置缩放";

    // Notifications and the application log
    Notifications => "Notifications", "通知";
    UnreadNotifications => "⚠ {n} new {n|notification|notifications}", "⚠ {n} 条新通知";
    NotificationsHint => "Warnings and errors, newest first", "警告和错误，最新的在前";
    MoreNotifications => "{n} more in Notifications", "另有 {n} 条，见“通知”";
    NoNotifications => "No warnings or errors so far.", "目前没有警告或错误。";
    ClearNotifications => "Clear notifications", "清除通知";
    Warning => "warning", "警告";
    Error => "error", "错误";
    CopyAll => "Copy all", "全部复制";
    CopyAllLogHint => "Copy the entries shown, e.g. for a bug report", "复制显示的条目，例如用于错误报告";
    CopyPath => "Copy path", "复制路径";
    ApplicationLog => "Application log", "应用日志";
    LevelErrors => "Errors", "错误";
    LevelWarnings => "Warnings", "警告";
    LevelInfo => "Info", "信息";
    LevelDebug => "Debug", "调试";
    OlderEntriesDropped => "{n} older {n|entry|entries} dropped from this list (the log file has them)", "此列表已丢弃 {n} 条较早的条目（日志文件中仍有）";
    NothingRecorded => "Nothing recorded at this level.", "此级别没有记录。";
    NoCjkFont => "Chinese, Japanese or Korean text is shown as boxes: no font for it is installed.", "中文、日文或韩文显示为方框：系统未安装相应字体。";

    // Status bar
    OpenBrokerPanelHint => "Open the embedded broker's panel", "打开内置代理面板";
    StopBroker => "Stop broker", "停止代理";
    StartBroker => "Start broker", "启动代理";
    CountersInOut => "in {received}  out {sent}", "收 {received}  发 {sent}";
    CountersInOutHint => "Messages received / published since start", "启动以来接收 / 发布的消息数";
    RatesInOut => "{rate_in} msg/s in, {rate_out} out", "接收 {rate_in} 条/秒，发送 {rate_out} 条/秒";
    StoredMessages => "stored {n} ({size})", "已存 {n} 条（{size}）";
    StoreCapsHint => "The log keeps at most {n} {n|message|messages} and {size}; older ones are evicted.", "日志最多保留 {n} 条消息、{size}；更早的会被淘汰。";
    EvictedMessages => "evicted {n}", "已淘汰 {n}";
    EvictedMessagesHint => "Messages dropped from the log because a cap was reached", "因达到上限而从日志中移除的消息";
    CommandsRefused => "{n} {n|command|commands} refused (engine busy)", "{n} 条命令被拒绝（引擎繁忙）";

    // Common words
    Connect => "Connect", "连接";
    Search => "Search", "搜索";
    Clear => "Clear", "清空";

    // Connection bar and tabs
    Profile => "Profile", "配置";
    Name => "Name", "名称";
    Host => "Host", "主机";
    Port => "Port", "端口";
    Version => "Version", "版本";
    Transport => "Transport", "传输";
    ClientId => "Client ID", "客户端 ID";
    ClientIdHint => "Leave empty to generate one on connect", "留空则在连接时自动生成";
    Generate => "Generate", "生成";
    GenerateClientIdHint => "Generate a random client id", "生成随机客户端 ID";
    Username => "Username", "用户名";
    Password => "Password", "密码";
    PasswordNotSavedHint => "Never written to the profile file", "不会写入配置文件";
    KeepAliveSecs => "Keep-alive (s)", "保活（秒）";
    CleanStart => "Clean start", "清除会话";
    EditProfile => "Edit profile…", "编辑配置…";
    EditProfileHint => "Every connect option: TLS, WebSocket, will, MQTT 5, saved subscriptions", "所有连接选项：TLS、WebSocket、遗嘱、MQTT 5、已保存的订阅";
    Disconnect => "Disconnect", "断开";
    InsecureTls => "⚠ insecure TLS", "⚠ 不安全的 TLS";
    InsecureTlsHint => "Server certificates are not verified for this connection", "此连接不验证服务器证书";
    ProfileFilesNotLoaded => "⚠ {n} profile {n|file|files} not loaded", "⚠ {n} 个配置文件未能加载";
    CannotConnect => "Cannot connect: {error}", "无法连接：{error}";
    CloseTab => "Close tab {title}", "关闭标签页 {title}";

    // Subscriptions
    TopicFilter => "Topic filter", "主题过滤器";
    TopicFilterHint => "e.g. sensors/+/temperature or #", "例如 sensors/+/temperature 或 #";
    Qos => "QoS", "QoS";
    Subscribe => "Subscribe", "订阅";
    InvalidFilter => "Invalid filter: {error}", "过滤器无效：{error}";
    AllMessages => "All messages", "全部消息";
    NoSubscriptionsYet => "No subscriptions yet. Add a filter above; '#' shows everything.", "还没有订阅。在上方添加过滤器；“#”显示全部消息。";
    ShowOnlyMatchingHint => "Show only messages matching this filter", "只显示匹配此过滤器的消息";
    UnsubscribeFrom => "Unsubscribe from {filter}", "取消订阅 {filter}";
    SubscriptionWaiting => "QoS {qos} requested, waiting for SUBACK", "已请求 QoS {qos}，等待 SUBACK";
    SubscriptionOnceConnected => "QoS {qos}, subscribes once connected", "QoS {qos}，连接后订阅";
    SubscriptionGranted => "SUBACK: granted QoS {qos}", "SUBACK：授予 QoS {qos}";
    SubscriptionDowngraded => "SUBACK: granted QoS {qos} (requested {requested})", "SUBACK：授予 QoS {qos}（请求的是 {requested}）";
    SubscriptionRefused => "SUBACK: refused ({reason})", "SUBACK：被拒绝（{reason}）";
    SubscriptionResumed => "kept by the resumed session", "由恢复的会话保留";
    SubscriptionFailed => "not subscribed: {reason}", "未订阅：{reason}";
    Unsubscribing => "unsubscribing…", "正在取消订阅…";

    // Composer
    NewMessage => "New message", "新消息";
    Topic => "Topic", "主题";
    TopicNameHint => "a/topic (no wildcards)", "a/topic（不含通配符）";
    Format => "Format", "格式";
    Retain => "Retain", "保留";
    Publish => "Publish", "发布";
    PublishHint => "Publish ({keys})", "发布（{keys}）";
    Payload => "Payload", "载荷";
    PayloadHint => "Message payload", "消息载荷";
    TopicError => "Topic: {error}", "主题：{error}";
    PayloadError => "Payload: {error}", "载荷：{error}";
    DeliveryReady => "Ready. QoS 1 and 2 publishes report the broker's acknowledgement here.", "就绪。QoS 1 和 2 的发布会在此显示代理的确认。";
    DeliveryQueued => "#{n} to {topic}: queued…", "#{n} 发往 {topic}：排队中…";
    DeliveryTiming => " in {ms} ms", "，用时 {ms} 毫秒";
    DeliveryOutcome => "#{n} to {topic} ({qos}): {outcome}{timing}", "#{n} 发往 {topic}（{qos}）：{outcome}{timing}";

    // Message log
    Messages => "Messages", "消息";
    SearchHint => "topic or payload text", "主题或载荷文本";
    ClearSearch => "Clear search", "清除搜索";
    Regex => "Regex", "正则";
    RegexHint => "Search with a regular expression (case-insensitive)", "用正则表达式搜索（不区分大小写）";
    Filters => "Filters", "过滤";
    FiltersActive => "Filters ({n})", "过滤（{n}）";
    Resume => "Resume", "继续";
    Pause => "Pause", "暂停";
    PauseHint => "Pausing keeps receiving and storing; the log stops moving", "暂停时仍接收并保存消息，只是日志不再滚动";
    PausedNew => "paused, {n} new", "已暂停，{n} 条新消息";
    FilterIs => "filter: {filter}", "过滤器：{filter}";
    ShowAll => "Show all", "显示全部";
    AllTabs => "All tabs", "所有标签页";
    AllTabsHint => "Show every connection tab's messages here, with a column saying which", "在此显示所有连接标签页的消息，并用一列标明来源";
    FollowNewest => "Follow newest", "跟随最新";
    FollowNewestHint => "Keep the newest message in view; scrolling up or clicking a row stops it, End brings it back", "始终显示最新消息；向上滚动或点击某行即停止，按 End 键恢复";
    NewBelow => "{n} new ↓", "{n} 条新消息 ↓";
    NewBelowHint => "Jump to the newest message and follow the log again (End)", "跳到最新消息并重新跟随（End 键）";
    ShortcutJumpToNewest => "Jump to the newest message and follow", "跳到最新消息并跟随";
    ExportEllipsis => "Export…", "导出…";
    ExportLogHint => "Save the rows shown (as filtered) as JSON Lines or CSV", "将显示的行（按当前过滤）保存为 JSON Lines 或 CSV";
    ClearLogHint => "Remove every message from the log", "从日志中移除所有消息";
    MessagesCount => "{n} {n|message|messages}", "{n} 条消息";
    MessagesShownOf => "{n} of {total} {total|message|messages}", "{n} / {total} 条消息";
    Filtering => "filtering {n}/{total}", "正在过滤 {n}/{total}";
    TopicFilterIgnored => "Topic filter '{filter}' is ignored: {error}", "主题过滤器“{filter}”被忽略：{error}";
    NoMessagesYet => "No messages yet. Subscribe on the left and publish below; messages appear here.", "还没有消息。在左侧订阅、在下方发布，消息会显示在这里。";
    NoMessageMatches => "No message matches the search or filter.", "没有符合搜索或过滤条件的消息。";
    DirIn => "in", "收";
    DirOut => "out", "发";
    DirBoth => "both", "双向";
    Retained => "retained", "保留";
    ColTime => "Time", "时间";
    ColTab => "Tab", "标签页";
    ColDir => "Dir", "方向";
    ColRetain => "R", "保";
    ColSize => "Size", "大小";
    CopyTopic => "Copy topic", "复制主题";
    CopyPayload => "Copy payload", "复制载荷";
    SavePayload => "Save payload…", "保存载荷…";
    ShowOnlyThisTopic => "Show only this topic", "只显示此主题";
    TopicHistory => "Topic history", "主题历史";
    CompareWithPrevious => "Compare with previous", "与上一条比较";
    Direction => "Direction", "方向";
    QosAny => "any", "任意";
    RetainedOnly => "Retained only", "仅保留消息";
    TopicFilterWildcards => "Topic filter (+ and # allowed)", "主题过滤器（可用 + 和 #）";
    ResetFilters => "Reset filters", "重置过滤";

    // Topic tree and retained messages
    FindTopic => "Find topic", "查找主题";
    Sort => "Sort", "排序";
    SortName => "name", "名称";
    SortMessages => "messages", "消息数";
    SortRate => "rate", "速率";
    TopicsCount => "{n} {n|topic|topics}", "{n} 个主题";
    ScanBroker => "Scan the broker", "扫描代理";
    ScanBrokerHint => "Subscribe briefly (on a second connection with these settings) to the scope and list every retained message the broker sends", "（用这些设置另开一个连接）短暂订阅该范围，列出代理发来的每条保留消息";
    ScanRunning => "Scanning {filter}: {n} retained {n|message|messages} so far…", "正在扫描 {filter}：已收到 {n} 条保留消息…";
    ScanFound => "The scan found {n} retained {n|message|messages} under {filter}.", "扫描在 {filter} 下找到 {n} 条保留消息。";
    ScanRefused => "The broker refused the scan's subscription: {reason}", "代理拒绝了扫描的订阅：{reason}";
    ScanFailed => "The scan could not connect: {failure}", "扫描无法连接：{failure}";
    RetainedEllipsis => "Retained…", "保留消息…";
    RetainedManagerHint => "List and clear retained messages", "列出并清除保留消息";
    TreeFull => "The tree is full ({levels} levels): {n} {n|message|messages} on newer topics {n|is|are} in the log but not here", "主题树已满（{levels} 层）：新主题上的 {n} 条消息在日志中，但不在树中";
    LogShowsSubtree => "log: {topic}/#", "日志：{topic}/#";
    SearchingLevels => "Searching {n} {n|level|levels}…", "正在搜索 {n} 层…";
    TopicsAppearHere => "Topics appear here as messages arrive.", "消息到达后，主题会显示在这里。";
    NoTopicMatches => "No topic matches the search.", "没有匹配搜索的主题。";
    CollapseTopic => "Collapse {topic}", "折叠 {topic}";
    ExpandTopic => "Expand {topic}", "展开 {topic}";
    EmptyLevel => "(empty level)", "（空层级）";
    TopicNodeHint => "{topic}
{here} {here|message|messages} here, {subtree} in the subtree, {subtopics} {subtopics|subtopic|subtopics}", "{topic}
此处 {here} 条消息，子树中 {subtree} 条，{subtopics} 个子主题";
    History => "History", "历史";
    RetainedInSubtree => "Retained in this subtree…", "此子树中的保留消息…";
    RetainedMessages => "Retained messages", "保留消息";
    SubtreeScope => "Subtree (empty: all topics)", "子树（留空：全部主题）";
    RetainedTopicsSeen => "{n} retained {n|topic|topics} seen on this connection. Clearing publishes an empty retained message to each.", "此连接上见到 {n} 个保留主题。清除会向每个主题发布一条空的保留消息。";
    ConfirmClearRetained => "Clear the retained message of {n} {n|topic|topics}?", "清除 {n} 个主题的保留消息？";
    ClearNRetained => "Clear {n} retained {n|message|messages}", "清除 {n} 条保留消息";
    Cancel => "Cancel", "取消";
    SecondsAgo => "{n} s ago", "{n} 秒前";
    EvictedFromLog => "(evicted from the log)", "（已从日志中淘汰）";
    ClearEllipsis => "Clear…", "清除…";
    ClearRetainedOf => "Clear the retained message of {topic}", "清除 {topic} 的保留消息";
    ClearAllShown => "Clear all {n} shown…", "清除显示的全部 {n} 条…";

    // Inspector
    TooLargeForJson => "{size} is too large for the JSON views; Raw and Hex show all of it.", "{size} 太大，无法用 JSON 视图显示；原文和十六进制视图可显示全部内容。";
    NotJson => "Not JSON: {error}", "不是 JSON：{error}";
    TooLargeToDecode => "{size} is too large to decode here; Hex shows all of it.", "{size} 太大，无法在此解码；十六进制视图可显示全部内容。";
    NotUtf8 => "not UTF-8", "不是 UTF-8";
    SelectedMessageGone => "The selected message is no longer in the log (it was evicted or cleared).", "所选消息已不在日志中（已被淘汰或清空）。";
    Close => "Close", "关闭";
    Message => "Message", "消息";
    CloseInspector => "Close the inspector", "关闭检查器";
    CopyPayloadHint => "Copy the payload as text (lossy for binary)", "以文本复制载荷（二进制内容会有损失）";
    SavePayloadHint => "Save every byte of the payload to a file", "将载荷的每个字节保存到文件";
    CompareWithPreviousHint => "Diff with the topic's message before this one", "与该主题的上一条消息比较差异";
    HistoryHint => "Every message on this topic still in the log", "此主题仍在日志中的所有消息";
    ViewRaw => "Raw", "原文";
    ViewPrettyJson => "Pretty JSON", "格式化 JSON";
    ViewJsonTree => "JSON tree", "JSON 树";
    FindInJson => "Find in JSON", "在 JSON 中查找";
    FindInJsonHint => "Expands and highlights keys and values containing the text", "展开并高亮包含该文本的键和值";
    JsonTreeHint => "Right-click a key or value to copy its path or value, or to chart a number.", "右键单击键或值可复制其路径或值，或为数值绘制图表。";
    BinaryShownAsHex => "Binary payload (not UTF-8): shown as hex.", "二进制载荷（非 UTF-8）：以十六进制显示。";
    HexFooter => "{n} {n|byte|bytes}, {per_line} per line", "{n} 字节，每行 {per_line} 个";
    Base64Footer => "{n} {n|byte|bytes} as standard base64, 76 characters per line", "{n} 字节，标准 base64，每行 76 个字符";
    CopyValue => "Copy value", "复制值";
    ChartThisValue => "Chart this value", "为此值绘制图表";
    Received => "received", "已接收";
    Published => "published", "已发布";
    QosRetain => "QoS / retain", "QoS / 保留";
    NotRetained => "not retained", "非保留";
    SizeBytes => "{size} ({n} {n|byte|bytes})", "{size}（{n} 字节）";
    Subscription => "Subscription", "订阅";
    ContentType => "Content type", "内容类型";
    ResponseTopic => "Response topic", "响应主题";
    CorrelationData => "Correlation data", "关联数据";
    Expiry => "Expiry", "过期时间";
    Seconds => "{n} s", "{n} 秒";
    UserProperty => "User property", "用户属性";
    SubscriptionIds => "Subscription ids", "订阅标识符";

    // Topic history and diff
    CloseHistory => "Close the history", "关闭历史";
    MessagesInLog => "{n} {n|message|messages} in the log", "日志中有 {n} 条消息";
    OlderOnesEvicted => "· {n} older {n|one|ones} evicted", "· {n} 条较早的已淘汰";
    LogKeepsNewest => "The log keeps the newest {n} {n|message|messages} overall", "日志总共保留最新的 {n} 条消息";
    ExportHistory => "Export history…", "导出历史…";
    ExportHistoryHint => "Save these messages as JSON Lines or CSV", "将这些消息保存为 JSON Lines 或 CSV";
    ClearComparison => "Clear comparison", "清除比较";
    TickCompareHint => "Tick Compare on two messages to see what changed between them.", "勾选两条消息的“比较”，查看它们之间的变化。";
    Compare => "Compare", "比较";
    ComparedMessageEvicted => "One of the compared messages was evicted from the log.", "比较的消息之一已从日志中淘汰。";
    Changes => "Changes", "变化";
    FromTo => "from {from} to {to}", "从 {from} 到 {to}";
    PayloadsIdentical => "The payloads are identical.", "载荷完全相同。";
    TooLargeToCompare => "Too large to compare in detail ({old} and {new}).", "太大，无法详细比较（{old} 和 {new}）。";
    FirstDifferingByte => "First differing byte at offset {offset}.", "第一个不同的字节位于偏移 {offset}。";
    OneIsPrefix => "One is a prefix of the other.", "其中一个是另一个的前缀。";
    SameJsonValue => "Same JSON value (only formatting or key order differ).", "JSON 值相同（仅格式或键顺序不同）。";
    WholeValue => "(whole value)", "（整个值）";
    JsonAdded => "added {value}", "新增 {value}";
    JsonRemoved => "removed {value}", "删除 {value}";
    DifferingRanges => "{n} differing {n|range|ranges}; {equal} {equal|byte|bytes} in common", "{n} 处不同；{equal} 字节相同";
    OnlyFirstChanges => "Only the first {n} {n|change is|changes are} shown.", "只显示前 {n} 处变化。";
    Nothing => "(nothing)", "（无）";
    BytesMore => " … ({n} more)", " …（还有 {n} 个）";

    // Charts
    Window30s => "30 s", "30 秒";
    Window1min => "1 min", "1 分钟";
    Window5min => "5 min", "5 分钟";
    Window15min => "15 min", "15 分钟";
    Window1h => "1 h", "1 小时";
    WindowAll => "all", "全部";
    Charts => "Charts", "图表";
    JsonPointerOptional => "JSON pointer (optional)", "JSON 指针（可选）";
    JsonPointerHint => "For JSON payloads: the value to plot, e.g. /sensor/temp. Empty: the whole payload.", "用于 JSON 载荷：要绘制的值，例如 /sensor/temp。留空：整个载荷。";
    AddSeries => "Add series", "添加序列";
    ChartPauseHint => "Freeze the view; values keep being collected", "冻结视图；数值仍在继续收集";
    TimeWindow => "Window", "时间窗口";
    ClearChartsHint => "Empty every series; plotting continues", "清空所有序列；绘图继续";
    Paused => "paused", "已暂停";
    NothingCharted => "Nothing charted yet. Add a series above, or use Chart in a topic's history, or right-click a number in the JSON tree.", "还没有图表。在上方添加序列，或在主题历史中使用“图表”，或在 JSON 树中右键单击一个数字。";
    NoValueYet => "no value yet", "尚无数值";
    Points => "{n} {n|point|points}", "{n} 个点";
    OldestDropped => "{n} oldest dropped", "已丢弃最早的 {n} 个";
    WithoutNumber => "{n} without a number", "{n} 条没有数值";
    StopCharting => "Stop charting {series}", "停止绘制 {series}";
    NoNumericValueYet => "No numeric value has arrived on these series yet.", "这些序列还没有收到数值。";
    Chart => "Chart", "图表";
    ChartHint => "Plot this topic's value over time", "绘制此主题的值随时间的变化";
    ChartAField => "Chart a field", "为字段绘制图表";

    // Broker status
    BrokerStatus => "Broker status", "代理状态";
    OnThisTab => "{title} on this tab", "此标签页上的 {title}";
    SubscribeToSys => "Subscribe to $SYS/#", "订阅 $SYS/#";
    WaitingForSys => "Waiting for the broker's $SYS messages (mosquitto publishes them every 10 s by default; some brokers do not publish them, or only to privileged clients).", "正在等待代理的 $SYS 消息（mosquitto 默认每 10 秒发布一次；有些代理不发布，或只向特权客户端发布）。";
    SysNotMatchedByHash => "Brokers publish their status under $SYS/#, which '#' does not match. Subscribe to see it.", "代理在 $SYS/# 下发布自身状态，“#”不匹配这些主题。订阅后即可查看。";
    Uptime => "Uptime", "运行时间";
    ClientsConnected => "Clients connected", "已连接客户端";
    ClientsTotal => "Clients total", "客户端总数";
    MessagesReceived => "Messages received", "已接收消息";
    MessagesSent => "Messages sent", "已发送消息";
    BytesReceived => "Bytes received", "已接收字节";
    BytesSent => "Bytes sent", "已发送字节";
    Subscriptions => "Subscriptions", "订阅列表";
    NotPublished => "not published", "未发布";
    SysTopicsNotKept => "{n} further $SYS {n|topic was|topics were} not kept", "另有 {n} 个 $SYS 主题未保留";
    AllSysValues => "All $SYS values", "全部 $SYS 值";

    // File dialogs
    ImportProfilesTitle => "Import connection profiles", "导入连接配置";
    ProfilesFilter => "Profiles (Topicscope .ron, MQTTX .json, MQTT.fx .xml)", "配置（Topicscope .ron、MQTTX .json、MQTT.fx .xml）";
    ExportProfilesTitle => "Export connection profiles", "导出连接配置";
    TopicscopeProfilesFilter => "Topicscope profiles", "Topicscope 配置";
    SavePayloadTitle => "Save the full payload", "保存完整载荷";
    LoadBrokerSettingsTitle => "Load broker settings", "加载代理设置";
    BrokerSettingsFilter => "mosquitto.conf or Topicscope broker settings", "mosquitto.conf 或 Topicscope 代理设置";

    // App messages
    SavedTo => "saved to {path}", "已保存到 {path}";
    NotSaved => "not saved: {error}", "未保存：{error}";
    NotSavedNoConfigFolder => "not saved: this platform has no configuration folder", "未保存：此平台没有配置文件夹";
    RetainedNotCleared => "retained messages not cleared: {error}", "保留消息未清除：{error}";
    NoEarlierMessage => "no earlier message on {topic} is left in the log", "日志中已没有 {topic} 的更早消息";
    MessageNoLongerInLog => "that message is no longer in the log", "该消息已不在日志中";
    CannotSubscribeSys => "cannot subscribe to $SYS/#: {error}", "无法订阅 $SYS/#：{error}";
    TickProfilesFirst => "tick the profiles to export first", "请先勾选要导出的配置";
    NotExported => "not exported: {error}", "未导出：{error}";
    SavedAndRestarted => "Saved to {path} and restarted.", "已保存到 {path} 并重新启动。";
    RestartedNotSaved => "Restarted, but not saved: {error}", "已重新启动，但未保存：{error}";
    RestartedNoConfigFolder => "Restarted (this platform has no configuration folder to save to).", "已重新启动（此平台没有可保存的配置文件夹）。";
    ImportedProfileNotSaved => "imported profile not saved: {error}", "导入的配置未保存：{error}";
    FileWriterNotRunning => "the file writer is not running, so nothing can be saved", "文件写入线程未运行，无法保存";
    ImportedProfiles => "imported {n} {n|profile|profiles} ({saved} saved)", "已导入 {n} 个配置（保存了 {saved} 个）";
    ImportFailed => "import failed: {error}", "导入失败：{error}";
    ExportedTo => "exported to {path}", "已导出到 {path}";
    ExportFailed => "export failed: {error}", "导出失败：{error}";
    BrokerSettingsLoaded => "Loaded; check the form, then Apply and restart.", "已加载；请检查表单，然后点击“应用并重启”。";
    NotLoaded => "Not loaded: {error}", "未加载：{error}";
    TopicTree => "Topic tree", "主题树";
    ChartsHint => "Plot numeric values of topics over time", "绘制主题数值随时间的变化";
    BrokerStatusHint => "What the broker reports about itself on $SYS/#", "代理在 $SYS/# 上报告的自身状态";
    BuiltInBroker => "Built-in broker", "内置代理";
    BuiltInBrokerHint => "Start, stop and configure the embedded broker; see its clients and log", "启动、停止和配置内置代理；查看其客户端和日志";
    CjkAdviceLinux => "Install Noto Sans CJK, e.g. `sudo apt install fonts-noto-cjk` (Debian/Ubuntu) or `sudo dnf install google-noto-sans-cjk-fonts` (Fedora), then restart Topicscope.", "请安装 Noto Sans CJK，例如 `sudo apt install fonts-noto-cjk`（Debian/Ubuntu）或 `sudo dnf install google-noto-sans-cjk-fonts`（Fedora），然后重启 Topicscope。";
    CjkAdviceMac => "macOS ships PingFang; check that the system fonts are intact.", "macOS 自带苹方字体；请检查系统字体是否完好。";
    CjkAdviceWindows => "Windows ships Microsoft YaHei; add the Chinese (Simplified) supplemental fonts in Settings → Apps → Optional features.", "Windows 自带微软雅黑；请在“设置 → 应用 → 可选功能”中添加“中文（简体）补充字体”。";

    // Built-in broker panel
    Overview => "Overview", "概览";
    Clients => "Clients", "客户端";
    Log => "Log", "日志";
    Settings => "Settings", "设置";
    BrokerNotRunning => "The broker is not running.", "代理未运行。";
    BrokerNotRunningLog => "The broker is not running; its log starts when it starts.", "代理未运行；它启动后才开始记录日志。";
    Stop => "Stop", "停止";
    Restart => "Restart", "重启";
    Start => "Start", "启动";
    CannotStart => "Cannot start: {reason}", "无法启动：{reason}";
    ListeningExposed => "⚠ Listening on {address}: other machines on your network can connect.", "⚠ 正在监听 {address}：网络中的其他机器可以连接。";
    StartBrokerToSee => "Start the broker to see its listeners, clients and rates.", "启动代理后可查看其监听地址、客户端和速率。";
    PortTakenFreeUsed => "Port {port} was taken, so a free port is used instead.", "端口 {port} 已被占用，因此改用一个空闲端口。";
    ListeningOn => "Listening on", "监听地址";
    Copy => "Copy", "复制";
    CopyAddress => "Copy the address", "复制地址";
    SessionsInclPersistent => "Sessions (incl. persistent ones kept offline)", "会话（含离线保留的持久会话）";
    MessagesInOut => "Messages in / out", "消息 收 / 发";
    PayloadBytesInOut => "Payload bytes in / out", "载荷字节 收 / 发";
    MessagesSinceStart => "Messages since start (in / out)", "启动以来的消息（收 / 发）";
    Authentication => "Authentication", "认证";
    AnonymousAllowed => "anonymous allowed", "允许匿名";
    AnonymousRefused => "anonymous refused", "拒绝匿名";
    UsersCount => ", {n} {n|user|users}", "，{n} 个用户";
    AclOn => ", ACL on", "，ACL 已启用";
    Persistence => "Persistence", "持久化";
    PersistenceOff => "off (in memory)", "关闭（仅内存）";
    ShowingSessions => "Showing {n} of {total} {total|session|sessions}.", "显示 {total} 个会话中的 {n} 个。";
    NoClients => "No clients.", "没有客户端。";
    Address => "Address", "地址";
    User => "User", "用户";
    Mqtt => "MQTT", "MQTT";
    KeepAlive => "Keep-alive", "保活";
    Subs => "Subs", "订阅数";
    InFlight => "In flight", "传输中";
    Queued => "Queued", "排队";
    State => "State", "状态";
    KeepAliveNone => "none", "无";
    ClientConnected => "connected", "已连接";
    ClientConnectedPersistent => "connected (persistent)", "已连接（持久会话）";
    ClientAway => "away (session kept)", "离线（会话保留）";
    DisconnectClient => "Disconnect client", "断开客户端";
    DisconnectClientHint => "Close {client}'s connection", "关闭 {client} 的连接";
    FilterTheLog => "Filter the log", "过滤日志";
    OlderEntriesWereDropped => "{n} older {n|entry was|entries were} dropped.", "已丢弃 {n} 条较早的条目。";
    Listeners => "Listeners", "监听器";
    BindAddress => "Bind address", "绑定地址";
    ThisMachineOnly => "This machine only", "仅本机";
    AllInterfaces => "All interfaces", "所有网络接口";
    TcpPort => "TCP port", "TCP 端口";
    IfTakenFreePort => "If taken, use a free port", "被占用时使用空闲端口";
    WebSocketPort => "WebSocket port", "WebSocket 端口";
    TlsPort => "TLS port", "TLS 端口";
    CertificatePem => "Certificate (PEM)", "证书（PEM）";
    PrivateKeyPem => "Private key (PEM)", "私钥（PEM）";
    MaxConnections => "Max connections", "最大连接数";
    MaxPacketSize => "Max packet size (bytes)", "最大报文大小（字节）";
    SysInterval => "$SYS interval (s, 0 = off)", "$SYS 间隔（秒，0 = 关闭）";
    AddressExposesBroker => "⚠ This address makes the broker reachable from your network. Set up users and an ACL.", "⚠ 此地址使代理可从网络访问。请设置用户和 ACL。";
    AllowAnonymous => "Allow clients without a user name", "允许没有用户名的客户端";
    PasswordStoredHashed => "password stored hashed", "密码以哈希形式保存";
    Remove => "Remove", "移除";
    NewUser => "New user", "新用户";
    TheirPassword => "Their password", "其密码";
    AddUser => "Add user", "添加用户";
    AclEnabled => "Access control list (mosquitto acl_file syntax)", "访问控制列表（mosquitto acl_file 语法）";
    AclSyntaxHint => "topic [read|write|readwrite|deny] FILTER — before any 'user NAME' line: anonymous clients; 'pattern …' applies to everyone with %u (user) and %c (client id).", "topic [read|write|readwrite|deny] 过滤器 —— 位于任何“user 名称”行之前的规则适用于匿名客户端；“pattern …”适用于所有人，可用 %u（用户）和 %c（客户端 ID）。";
    KeepRetainedAndSessionsIn => "Keep retained messages and sessions in", "将保留消息和会话保存在";
    ApplyAndRestart => "Apply and restart", "应用并重启";
    Revert => "Revert", "还原";
    ImportMosquittoConf => "Import mosquitto.conf…", "导入 mosquitto.conf…";

    // Profile editor
    SectionGeneral => "General", "常规";
    SectionCredentials => "Credentials", "凭据";
    SectionTransport => "Transport & TLS", "传输与 TLS";
    SectionLastWill => "Last will", "遗嘱";
    SectionMqtt5 => "MQTT 5", "MQTT 5";
    SectionSubscriptions => "Saved subscriptions", "已保存的订阅";
    SettingsValid => "Settings are valid.", "设置有效。";
    TlsNotVerifiedWarning => "⚠ Server certificates are not verified: anyone on the path can read and change this traffic.", "⚠ 不验证服务器证书：链路上的任何人都能读取和篡改此流量。";
    SaveProfile => "Save profile", "保存配置";
    SaveProfileHint => "Write this profile's RON file", "写入此配置的 RON 文件";
    ImportEllipsis => "Import…", "导入…";
    ImportProfilesHint => "Topicscope .ron files, an MQTTX export (.json) or MQTT.fx's mqttfx-config.xml; or drop files on the window", "Topicscope .ron 文件、MQTTX 导出文件（.json）或 MQTT.fx 的 mqttfx-config.xml；也可以把文件拖到窗口上";
    ExportThisProfile => "Export this profile…", "导出此配置…";
    ExportAllProfiles => "Export all profiles…", "导出全部配置…";
    IncludePasswords => "Include passwords", "包含密码";
    ExportSeveralProfiles => "Export several profiles", "导出多个配置";
    ExportPasswordsWarning => "⚠ Exports will contain passwords in plain text. Only share them with people who may know them.", "⚠ 导出文件将包含明文密码。只分享给有权知道密码的人。";
    ProfileName => "Profile name", "配置名称";
    BrokerHost => "Broker host", "代理主机";
    BrokerPort => "Broker port", "代理端口";
    ClientIdentifier => "Client identifier", "客户端标识符";
    ClientIdentifierHint => "Empty: Topicscope generates one on connect", "留空：Topicscope 在连接时生成";
    RandomClientIdSuffix => "Add a random suffix on every connect", "每次连接时添加随机后缀";
    MqttVersion => "MQTT version", "MQTT 版本";
    CleanStartSession => "Clean start / clean session", "清除会话（clean start / clean session）";
    ConnectTimeout => "Connect timeout (s)", "连接超时（秒）";
    ReconnectAutomatically => "Reconnect automatically", "自动重连";
    GiveUpAfter => "Give up after (attempts, 0 = never)", "重试次数上限（0 = 不放弃）";
    LongestBackoff => "Longest back-off (s)", "最长退避时间（秒）";
    UserName => "User name", "用户名";
    PasswordSource => "Password source", "密码来源";
    PasswordTyped => "Typed for this session only (never saved)", "仅本次会话输入（从不保存）";
    PasswordAsk => "Ask on every connect", "每次连接时询问";
    PasswordKeychain => "OS keychain", "系统钥匙串";
    PasswordEnvironment => "Environment variable", "环境变量";
    PasswordFile => "File (first line)", "文件（第一行）";
    PasswordInProfile => "Stored in the profile file (plain text!)", "保存在配置文件中（明文！）";
    PasswordAskHint => "A prompt asks for the password each time you connect.", "每次连接时都会弹出对话框询问密码。";
    KeychainAccount => "Keychain account", "钥匙串账户";
    PasswordToStore => "Password to store", "要保存的密码";
    StoreInKeychain => "Store in keychain", "存入钥匙串";
    Test => "Test", "测试";
    TestKeychainHint => "Read it back from the keychain", "从钥匙串读回密码";
    VariableName => "Variable name", "变量名";
    PasswordFilePath => "Password file", "密码文件";
    PasswordSavedInFile => "Password (saved in the file)", "密码（保存在文件中）";
    PasswordInFileWarning => "Anyone who gets this profile file can read this password.", "任何拿到此配置文件的人都能读取这个密码。";
    WebSocketPath => "WebSocket path", "WebSocket 路径";
    Tls => "TLS", "TLS";
    CaFile => "CA file (PEM; empty = system roots)", "CA 文件（PEM；留空 = 系统根证书）";
    ClientCertificate => "Client certificate (PEM)", "客户端证书（PEM）";
    ClientKey => "Client key (PEM)", "客户端私钥（PEM）";
    VerifyName => "Verify certificate for name (optional)", "按此名称验证证书（可选）";
    AlpnProtocols => "ALPN protocols (comma separated)", "ALPN 协议（逗号分隔）";
    AcceptInvalidCerts => "Dangerously accept invalid certificates (no server verification)", "危险：接受无效证书（不验证服务器）";
    UseProxy => "Connect through an HTTP CONNECT proxy", "通过 HTTP CONNECT 代理连接";
    ProxyHost => "Proxy host", "代理服务器主机";
    ProxyPort => "Proxy port", "代理服务器端口";
    ProxyUser => "Proxy user", "代理服务器用户";
    ProxyPassword => "Proxy password", "代理服务器密码";
    Key => "Key", "键";
    Value => "Value", "值";
    AddUserProperty => "Add user property", "添加用户属性";
    SendLastWill => "Send a last will", "发送遗嘱消息";
    LastWillHint => "The broker publishes the last will for you if the connection drops without a DISCONNECT.", "如果连接未经 DISCONNECT 就断开，代理会替你发布遗嘱消息。";
    WillTopic => "Will topic", "遗嘱主题";
    WillPayloadFormat => "Will payload format", "遗嘱载荷格式";
    WillQos => "Will QoS", "遗嘱 QoS";
    RetainWill => "Retain will", "保留遗嘱";
    WillPayload => "Will payload", "遗嘱载荷";
    Mqtt5WillProperties => "MQTT 5 will properties", "MQTT 5 遗嘱属性";
    DelaySecs => "Delay (s)", "延迟（秒）";
    MessageExpirySecs => "Message expiry (s)", "消息过期（秒）";
    Mqtt5OnlyHint => "These properties apply to MQTT 5.0 connections; this profile uses MQTT 3.1.1.", "这些属性只用于 MQTT 5.0 连接；此配置使用 MQTT 3.1.1。";
    SessionExpirySecs => "Session expiry (s)", "会话过期（秒）";
    ReceiveMaximum => "Receive maximum", "接收最大值";
    TopicAliasMaximum => "Topic alias maximum", "主题别名最大值";
    RequestResponseInfo => "Request response information", "请求响应信息";
    RequestProblemInfo => "Request problem information", "请求问题信息";
    ConnectUserProperties => "CONNECT user properties", "CONNECT 用户属性";
    SavedSubscriptionsHint => "Saved with the profile and subscribed on every connect. Save the profile to keep changes.", "随配置保存，每次连接时订阅。保存配置以保留更改。";
    UseCurrentSubscriptions => "Use the current subscriptions", "使用当前订阅";
    FilterLabel => "Filter", "过滤器";
    NoLocal => "No local", "不接收自己发布的消息（No local）";
    RetainAsPublished => "Retain as published", "保持发布时的保留标志";
    RetainedHandling => "Retained", "保留消息";
    RetainOnEverySubscribe => "on every subscribe", "每次订阅时";
    RetainOnNewSubscriptions => "on new subscriptions", "仅新订阅时";
    RetainNever => "never", "从不";
    AddSubscription => "Add subscription", "添加订阅";
    PasswordForThisConnection => "Password for this connection", "此连接的密码";
    ConnectWithPassword => "Connect with this password", "用此密码连接";
    PasswordPromptHint => "It is used for this connect only and never saved.", "只用于本次连接，从不保存。";
    ConnectionProfile => "Connection profile", "连接配置";
    ExportSelected => "Export {n} selected…", "导出选中的 {n} 个…";
    StoredInKeychain => "stored in the OS keychain as '{account}'", "已存入系统钥匙串，账户为“{account}”";
    KeychainHasPassword => "the keychain has a password for '{account}'", "钥匙串中有“{account}”的密码";
    PasswordFor => "Password for {user} at {address}", "{user} 在 {address} 的密码";

    // File dialogs (messages)
    ExportMessagesTitle => "Export messages", "导出消息";

    // Start-up notices
    BrokerSettingsNotUsed => "broker settings not used: {problem}", "未使用代理设置：{problem}";
    SettingsCarriedOver => "Copied {profiles} {profiles|profile|profiles} and your settings from the folder of Topicscope's former name ({from}); that folder is left as it was", "已从 Topicscope 旧名称的文件夹（{from}）复制 {profiles} 个配置及其他设置；该文件夹保持不变";
    ProfileNotLoaded => "profile not loaded: {error}", "配置未加载：{error}";

    // Long operations
    ExportedMessages => "exported {n} {n|message|messages} to {path}", "已导出 {n} 条消息到 {path}";
    ExportMissed => " ({n} {n|was|were} evicted from the log before {n|its|their} turn)", "（其中 {n} 条在导出前已从日志中淘汰）";
    ExportCancelled => "Export cancelled; no file was written.", "导出已取消；未写入文件。";
    Exporting => "Exporting {n} {n|message|messages} to {file}…", "正在导出 {n} 条消息到 {file}…";
    CancelExportHint => "Stop the export; the file is not written", "停止导出；不会写入文件";
    Importing => "Importing {n} {n|file|files}…", "正在导入 {n} 个文件…";
    CancelConnectHint => "Stop trying to connect", "停止尝试连接";

    // x

    // x

    // x

    // x

    // x

    // Connection, broker and delivery states
    StateDisconnected => "disconnected", "未连接";
    StateConnecting => "connecting…", "正在连接…";
    StateConnectingAttempt => "connecting… (attempt {n})", "正在连接…（第 {n} 次尝试）";
    StateConnectedAs => "connected as {client}", "已连接，客户端 ID {client}";
    StateConnectedResumed => "connected as {client}, session resumed", "已连接，客户端 ID {client}，会话已恢复";
    StateConnected => "connected", "已连接";
    StateReconnecting => "reconnecting in {s} s (attempt {n}): {error}", "{s} 秒后重连（第 {n} 次尝试）：{error}";
    StateReconnectingShort => "reconnecting in {s} s", "{s} 秒后重连";
    StateFailed => "failed: {error}", "失败：{error}";
    BrokerStopped => "embedded broker stopped", "内置代理已停止";
    BrokerStarting => "embedded broker starting…", "内置代理正在启动…";
    BrokerRunning => "embedded broker on {address}", "内置代理运行于 {address}";
    BrokerRunningMoved => "embedded broker on {address} (port {port} was taken)", "内置代理运行于 {address}（端口 {port} 已被占用）";
    BrokerFailed => "embedded broker failed: {reason}", "内置代理出错：{reason}";
    DeliveryWritten => "sent (QoS 0, no acknowledgement)", "已发送（QoS 0，无确认）";
    DeliveryAcknowledged => "PUBACK received", "已收到 PUBACK";
    DeliveryReceived => "PUBREC received, waiting for PUBCOMP", "已收到 PUBREC，等待 PUBCOMP";
    DeliveryCompleted => "PUBCOMP received", "已收到 PUBCOMP";
    DeliveryRefused => "refused by broker: {reason}", "被代理拒绝：{reason}";
    DeliveryFailed => "failed: {reason}", "失败：{reason}";

    // Composer preview
    PreviewOf => "Message #{n} will be:", "第 {n} 条消息将是：";

    // Profile variables
    SectionVariables => "Variables", "变量";
    VariablesHint => "Use {{name}} in the composer's topic and payload; Publish sends the filled-in message the composer previews. Save the profile to keep them.", "在发布编辑器的主题和载荷中使用 {{name}}；“发布”发送的正是编辑器预览的填好的消息。保存配置以保留这些变量。";
    BuiltInVariables => "Built in: {{timestamp}} (ms), {{iso_time}}, {{uuid}}, {{counter}}, {{random_int(a,b)}}, {{random_float(a,b)}}; \\{{ writes a literal {{.", "内置：{{timestamp}}（毫秒）、{{iso_time}}、{{uuid}}、{{counter}}、{{random_int(a,b)}}、{{random_float(a,b)}}；\\{{ 输出字面的 {{。";
    BadVariableName => "'{name}' is not a variable name: use letters, digits, '_', '-' and '.'", "“{name}”不是有效的变量名：请使用字母、数字、“_”、“-”和“.”";
    DuplicateVariable => "'{name}' is defined twice; the last one is used", "“{name}”定义了两次；使用最后一个";
    AddVariable => "Add variable", "添加变量";

    // Composer history and retained
    TopicHistoryHint => "Up / Down: earlier messages sent from here", "上 / 下方向键：浏览此处之前发送的消息";
    ClearRetainedHere => "Clear retained", "清除保留消息";
    ClearRetainedHereHint => "Publish an empty retained message to this topic, removing the broker's retained message", "向此主题发布一条空的保留消息，删除代理上保留的消息";
    SentHistory => "Sent ({n})", "已发送（{n}）";
    SendAgain => "Send again", "再次发送";
    LoadSentHint => "Load into the composer", "载入编辑器";

    // Repeat publish
    RepeatEllipsis => "Repeat…", "重复发送…";
    RepeatEvery => "Every", "间隔";
    RepeatTimes => "Times", "次数";
    RepeatZeroMeansForever => "0 = until stopped", "0 = 直到停止";
    StartRepeat => "Start repeating", "开始重复发送";
    RepeatRunning => "Repeating {topic}: {sent} / {target} sent, every {ms} ms, {rate} msg/s", "正在重复发送 {topic}：已发送 {sent} / {target}，间隔 {ms} 毫秒，{rate} 条/秒";
    RepeatEnded => "Repeat of {topic}: {sent} / {target} sent, every {ms} ms", "{topic} 的重复发送：已发送 {sent} / {target}，间隔 {ms} 毫秒";
    RepeatDone => "done", "已完成";
    RepeatStopped => "stopped", "已停止";
    RepeatConnectionClosed => "the connection closed", "连接已关闭";
    Dismiss => "Dismiss", "移除";
    RepeatFailed => "{n} failed", "{n} 条失败";

    // Saved messages
    SaveComposerMessage => "Save the composer's message", "保存编辑器中的消息";
    MessageName => "Message name", "消息名称";
    CollectionName => "Collection", "集合";
    OnlyForProfile => "Only for {profile}", "仅用于 {profile}";
    SaveMessage => "Save message", "保存消息";
    PublishSavedHint => "Publish {name} now (placeholders filled)", "立即发布 {name}（填入占位符）";
    RemoveSaved => "Remove {name}", "删除 {name}";
    MoveDown => "Move down", "下移";
    MoveUp => "Move up", "上移";
    Duplicate => "Duplicate", "复制一份";
    LoadIntoComposer => "Load into the composer", "载入编辑器";
    NoSavedMessages => "No saved messages yet. Compose a message below, name it here and save it.", "还没有保存的消息。在下方编辑消息，在这里命名并保存。";
    Saved => "Saved", "已保存";
    SavedMessagesSavedTo => "saved to {path}", "已保存到 {path}";
    SavedMessagesNotSaved => "saved messages not written: {error}", "保存的消息未写入：{error}";

    // Publish properties and request/response
    Mqtt5Properties => "MQTT 5 properties", "MQTT 5 属性";
    Mqtt5PropertiesSet => "MQTT 5 properties ({n} set)", "MQTT 5 属性（已设置 {n} 项）";
    Mqtt5PropertiesHint => "Show or hide the message's MQTT 5 properties beside the payload", "在负载旁显示或隐藏消息的 MQTT 5 属性";
    PropertiesNeedMqtt5 => "This connection speaks MQTT 3.1.1: properties are not sent.", "此连接使用 MQTT 3.1.1：不会发送属性。";
    AwaitResponse => "Wait for the response", "等待响应";
    AwaitResponseHint => "Request/response: subscribe to the response topic and match the reply by its correlation data", "请求/响应：订阅响应主题，并按关联数据匹配回复";
    CorrelationAutoHint => "empty: a new UUID per request", "留空：每个请求生成新的 UUID";
    PayloadIsUtf8 => "Payload is UTF-8 text (payload format indicator)", "负载为 UTF-8 文本（负载格式指示）";
    ResponseReceived => "Response to #{n} on {topic} after {ms} ms:", "#{n} 的响应来自 {topic}，用时 {ms} 毫秒：";
    WaitingForResponse => "Request #{n}: waiting for a response on {topic} ({s} s)", "请求 #{n}：正在等待 {topic} 上的响应（{s} 秒）";
    SendAll => "Send all", "全部发送";
    SendAllHint => "Publish the {n} {n|message|messages} once, in order (placeholders filled)", "按顺序发布这 {n} 条消息一次（填入占位符）";
    ExportSavedTitle => "Export saved messages", "导出保存的消息";
    ImportSavedTitle => "Import saved messages", "导入保存的消息";
    SavedMessagesFilter => "Topicscope saved messages", "Topicscope 保存的消息";
    ExportCollectionHint => "Export this collection to a file to share (placeholders travel, their values stay in your profiles)", "将此集合导出为可分享的文件（占位符会随之导出，其取值保留在你的配置中）";
    ExportAllSaved => "Export all…", "全部导出…";
    ImportSavedEllipsis => "Import…", "导入…";
    SavedImported => "Imported {collections} {collections|collection|collections} ({messages} {messages|message|messages})", "已导入 {collections} 个集合（{messages} 条消息）";
    DragToReorder => "Drag the name onto another message to move it there", "拖动名称到另一条消息上即可移动到该处";

    // Why a connection failed (the core's reasons, in the interface language)
    FailureRefused => "connection refused: nothing is listening at {address}", "连接被拒绝：{address} 上没有服务在监听";
    FailureDns => "DNS: cannot resolve host '{host}'", "DNS：无法解析主机“{host}”";
    FailureTimeout => "timed out after {s} s waiting for the broker", "等待代理 {s} 秒后超时";
    FailureBadCredentials => "bad user name or password", "用户名或密码错误";
    FailureNotAuthorized => "not authorised by the broker", "代理未授权此连接";
    FailureRejected => "broker refused the connection: {reason}", "代理拒绝了连接：{reason}";
    FailureTls => "TLS: {detail}", "TLS 错误：{detail}";
    FailureLost => "connection lost: {detail}", "连接中断：{detail}";
    FailureServerDisconnect => "broker disconnected us: {reason}", "代理断开了我们的连接：{reason}";
    FailureWebSocket => "WebSocket: {detail}", "WebSocket 错误：{detail}";
    FailureProxy => "proxy: {detail}", "网络代理：{detail}";
    FailureGaveUp => "gave up after {attempts} {attempts|attempt|attempts}; last error: {last}", "尝试 {attempts} 次后放弃；最后的错误：{last}";
    FailureInvalidSettings => "invalid connection settings: {detail}", "连接设置无效：{detail}";
    FailureNetwork => "network error: {detail}", "网络错误：{detail}";

    // Notices the core records
    NoticeBrokerPortTaken => "port {wanted} is taken; the embedded broker listens on {listening} instead", "端口 {wanted} 已被占用；内置代理改为监听 {listening}";
    NoticeBrokerFailed => "embedded broker: {reason}", "内置代理：{reason}";
    NoticeEmbeddedConnectFailed => "cannot connect to the embedded broker: {error}", "无法连接内置代理：{error}";
    NoticeImportSkipped => "import {origin}: skipped {detail}", "导入 {origin}：已跳过 {detail}";
    NoticeImportRefused => "import {origin}: not imported: {detail}", "导入 {origin}：未导入：{detail}";
    NoticeRepeatFailed => "repeat of {what}: {reason}", "重复发布 {what}：{reason}";
    NoticeConnectionFailed => "{tab}: connection failed: {failure}", "{tab}：连接失败：{failure}";
    NoticeConnectionLost => "{tab}: {failure}; reconnecting", "{tab}：{failure}；正在重连";
    NoFileDialog => "No file dialog could be shown on this system (no desktop portal or zenity): type the path instead.", "此系统无法显示文件对话框（没有桌面门户或 zenity）：请直接输入路径。";
    PathLabel => "Path", "路径";
    PathEmpty => "type a path", "请输入路径";
    PathIsFolder => "this is a folder: add a file name", "这是一个文件夹：请加上文件名";
    PathNoFile => "there is no file at this path", "此路径下没有文件";
    UsePathButton => "OK", "确定";
    NotANumberInRange => "'{text}' is not a number from {min} to {max}", "“{text}”不是 {min} 到 {max} 之间的数字";
    BrowseEllipsis => "Browse…", "浏览…";
    BrowseFor => "Choose the file: {what}", "选择文件：{what}";
    ChooseTlsFileTitle => "Choose a PEM certificate or key file", "选择 PEM 证书或密钥文件";
    NoticeRepeated => "(×{n})", "（×{n}）";
    NoticeEngineBusy => "the engine is busy (command queue full); try again", "网络引擎繁忙（命令队列已满）；请重试";
    NoticeEngineStopped => "the network engine has stopped", "网络引擎已停止";
    NoticeEngineNotStarted => "cannot start the network engine: {reason}", "无法启动网络引擎：{reason}";
    NoticeFileWriterNotStarted => "cannot start the file writer: {reason}", "无法启动文件写入线程：{reason}";
    NoticeSavedMessagesNotLoaded => "saved messages not loaded: {error}", "未载入保存的消息：{error}";
    FormatNotConverted => "The payload stays as typed: it is not valid {from}, so it cannot be shown as {to} ({error})", "负载保持原样：它不是有效的 {from}，无法显示为 {to}（{error}）";
    PayloadSizeUnknown => "? B", "? 字节";
    PayloadSizeUnknownHint => "The size is known once the payload decodes in the chosen format", "负载按所选格式解码后才知道大小";
    DraftRestored => "Profile '{profile}': your unsaved changes from the last run are back (not saved yet: Save profile keeps them, Revert to saved drops them)", "配置“{profile}”：上次运行中未保存的修改已恢复（尚未保存：“保存配置”会保留它们，“恢复为已保存”会丢弃它们）";
    UnsavedChanges => "Unsaved changes — kept as a draft if you quit before saving", "有未保存的修改——如在保存前退出，将作为草稿保留";
    RevertToSaved => "Revert to saved", "恢复为已保存";
    RevertToSavedHint => "Drop the edits and go back to the profile as last saved", "放弃修改，恢复为上次保存的配置";
    MoreMenu => "More…", "更多…";
    MoreMenuHint => "Export, clear and the other log controls that do not fit here", "导出、清空以及此处放不下的其他日志控件";
    EditAndPublish => "Edit and publish", "编辑并发布";
    EditAndPublishHint => "Load topic, payload, QoS, retain and properties into the composer", "将主题、负载、QoS、保留标志和属性载入编辑器";
    PublishAgain => "Publish again", "再次发布";
    PublishAgainHint => "Publish this message again from this tab, byte for byte", "从此标签页逐字节地再次发布此消息";
    CopyAsCommand => "Copy as mosquitto_pub command", "复制为 mosquitto_pub 命令";
    CopyAsCommandHint => "A shell command that publishes this message again to this tab's broker (the password is read from $MQTT_PASSWORD)", "在 shell 中再次向此标签页的代理发布此消息的命令（密码从 $MQTT_PASSWORD 读取）";
    CommandCopied => "Copied the mosquitto_pub command", "已复制 mosquitto_pub 命令";
    NoCommand => "No mosquitto_pub command: {reason}", "无法生成 mosquitto_pub 命令：{reason}";
    CopySaveChartMenu => "Copy, save, chart…", "复制、保存、图表…";
    PickAnotherToCompare => "One message picked: Ctrl+click another to compare them", "已选一条消息：按住 Ctrl 点击另一条进行比较";
    CompareMessages => "Compare", "比较";
    CloseComparison => "Close the comparison", "关闭比较";
    PickToCompare => "Pick to compare", "选取以比较";
    PickToCompareHint => "Pick two messages, of any topics, to see what differs (or Ctrl+click the rows)", "选取两条任意主题的消息查看差异（或按住 Ctrl 点击行）";
    FromCommandMenu => "From command or URL…", "从命令或 URL…";
    FromCommandHint => "Make a connection from a mosquitto_pub / mosquitto_sub command line or an mqtt:// URL", "从 mosquitto_pub / mosquitto_sub 命令行或 mqtt:// URL 创建连接";
    FromCommandTitle => "Connection from a command line or URL", "从命令行或 URL 创建连接";
    PasteCommandLabel => "Command line or URL", "命令行或 URL";
    PastedProfileSummary => "{name} · {transport} · {protocol} · {n} {n|subscription|subscriptions}", "{name} · {transport} · {protocol} · {n} 个订阅";
    PastedLeftOut => "Left out (not connection settings): {options}", "已忽略（不是连接设置）：{options}";
    OpenInNewTab => "Open in a new tab", "在新标签页中打开";
    OpenWhichConnection => "Open a connection:", "打开连接：";
    CopyOfThisTab => "A copy of this tab's connection", "复制此标签页的连接";
    AllConnections => "All connections", "所有连接";
    NoticePublishFailed => "{tab}: publish #{request} failed: {reason}", "{tab}：发布 #{request} 失败：{reason}";
}
