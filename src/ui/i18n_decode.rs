// The payload decoders' words (inspector views, decoder rules, Sparkplug):
// key => English, Simplified Chinese. Included by i18n.rs. Placeholders
// are {name}; keep them in every language.
catalogue! {
    TrDecode;
    // Inspector
    ViewDecoded => "Decoded", "解码";
    ViewImage => "Image", "图像";
    ViewNumbers => "Numbers", "数值";
    ViewAs => "View as", "查看方式";
    ViewAsHint => "Decode this topic's messages another way in the inspector (the raw bytes are always kept; the rules in the profile decide the log)", "在检查器中以其他方式解码此主题的消息（原始字节始终保留；日志按配置中的规则解码）";
    ByRule => "By rule: {decoder}", "按规则：{decoder}";
    NoRule => "No decoder rule matches this topic: it is shown as JSON, text or bytes. Choose a decoder in View as, or add a rule in the profile's Decoding section.", "没有解码规则匹配此主题：按 JSON、文本或字节显示。在“查看方式”中选择解码器，或在配置的“解码”部分添加规则。";
    RawView => "Shown in the raw views (Raw, Hex, Base64).", "在原始视图（原文、十六进制、Base64）中显示。";
    DecodeFailed => "⚠ {reason}", "⚠ {reason}";
    FailedAt => "at byte {offset}", "位于第 {offset} 字节";
    FailedField => "field {field}", "字段 {field}";
    RawBytesBelow => "The bytes as they arrived:", "收到的原始字节：";
    CopyDecodedJson => "Copy as JSON", "复制为 JSON";
    UnknownField => "not in the schema: kept as it came", "不在模式中：按原样保留";
    MoreItems => "… {n} more", "… 还有 {n} 项";
    SparkplugHeader => "Sparkplug B · seq {seq} · {time}", "Sparkplug B · 序号 {seq} · {time}";
    ColMetric => "Metric", "指标";
    ColAlias => "Alias", "别名";
    ColDatatype => "Type", "类型";
    ColValue => "Value", "值";
    ColFlags => "Flags", "标志";
    ColMeasured => "Measured", "测量时间";
    Updates => "{n} {n|update|updates} since the birth", "出生以来更新 {n} 次";
    HostOnline => "Host application online", "主机应用在线";
    HostOffline => "Host application offline", "主机应用离线";
    ImageLoading => "Decoding the image…", "正在解码图像…";
    ImageInfo => "{format} · {width} × {height} px", "{format} · {width} × {height} 像素";
    Offset => "Offset", "偏移";
    LittleEndian => "Little endian", "小端序";
    BigEndian => "Big endian", "大端序";
    BeyondEnd => "past the end", "超出末尾";
    NumbersHint => "Each type read at this byte offset", "在此字节偏移处按各类型读取";

    // The profile's Decoding section
    DecodingHint => "How this connection's payloads are read, per topic filter: the most specific matching filter wins, then the order below. Binary formats are never guessed from content.", "按主题过滤器决定如何读取此连接的负载：最具体的匹配过滤器优先，其次按下列顺序。二进制格式从不根据内容猜测。";
    SparkplugBuiltIn => "Decode spBv1.0/# as Sparkplug B (built-in rule; your own rules win)", "将 spBv1.0/# 解码为 Sparkplug B（内置规则；自定义规则优先）";
    Schemas => "Protobuf schemas", "Protobuf 模式";
    SchemasHint => ".proto files, folders of them (imports resolved across the folder) and descriptor sets (protoc -o), compiled when loaded: no protoc needed", ".proto 文件、其所在文件夹（在文件夹内解析导入）以及描述符集（protoc -o），加载时编译：无需 protoc";
    AddSchemaFolder => "Add folder…", "添加文件夹…";
    AddSchemaFile => "Add file…", "添加文件…";
    ChooseSchemaFolder => "Choose a folder of .proto files", "选择 .proto 文件所在文件夹";
    ChooseSchemaFile => "Choose a .proto file or descriptor set", "选择 .proto 文件或描述符集";
    ReloadSchemas => "Reload", "重新加载";
    ReloadSchemasHint => "Read the schemas from disk again (after editing them)", "从磁盘重新读取模式（编辑后）";
    SchemasLoading => "Loading the schemas…", "正在加载模式…";
    SchemasLoaded => "{n} message {n|type|types} loaded", "已加载 {n} 个消息类型";
    SchemasFailed => "The schemas did not load: {error}", "模式加载失败：{error}";
    SchemaTypes => "Message types", "消息类型";
    SchemaRules => "Rules the schemas declare (option (mqtt_topic))", "模式声明的规则（option (mqtt_topic)）";
    Rules => "Rules", "规则";
    AddRule => "Add rule", "添加规则";
    MessageType => "Message type", "消息类型";
    MessageTypeMissing => "{name} is not in the loaded schemas", "已加载的模式中没有 {name}";
    MoveUp => "Move up", "上移";
    MoveDown => "Move down", "下移";

    // The Sparkplug window
    SparkplugWindow => "Sparkplug", "Sparkplug";
    SparkplugSummary => "{groups} {groups|group|groups} · {nodes} edge {nodes|node|nodes}", "{groups} 个组 · {nodes} 个边缘节点";
    SparkplugCatchingUp => "reading the log: {n} to go", "正在读取日志：还剩 {n} 条";
    SparkplugMissed => "{n} {n|message|messages} left the log before they were read", "{n} 条消息在读取前已离开日志";
    SparkplugUndecodable => "{n} {n|payload|payloads} on spBv1.0 did not decode", "spBv1.0 上有 {n} 个负载无法解码";
    SparkplugEmpty => "No Sparkplug B traffic in this tab yet: subscribe to spBv1.0/# and the namespace builds from births, data and deaths (the log's messages are read when this window opens).", "此标签页还没有 Sparkplug B 流量：订阅 spBv1.0/# 后，命名空间会从出生、数据和死亡消息建立（打开此窗口时会读取日志中的消息）。";
    SparkplugPickNode => "Pick a node or device to see its metrics.", "选择节点或设备以查看其指标。";
    SparkplugIssues => "{n} rule {n|break|breaks} found", "发现 {n} 处违规";
    SparkplugMissing => "{n} missing", "缺失 {n}";
    Online => "online", "在线";
    Stale => "stale: dead or not born", "过期：已死亡或未出生";
    Rebirth => "Rebirth", "重生";
    RebirthHint => "Publish NCMD Node Control/Rebirth = true: the node publishes its births again", "发布 NCMD Node Control/Rebirth = true：节点会重新发布其出生消息";
    MetricCount => "{n} {n|metric|metrics}", "{n} 个指标";
    OpenSparkplugWindow => "Sparkplug namespace…", "Sparkplug 命名空间…";
    // The composer
    EncodedAs => "Sent as protobuf {type} (the topic's decoder rule)", "按 protobuf {type} 发送（主题的解码规则）";
    EncodedAsHint => "The JSON payload is encoded into this message type when published (proto3 JSON mapping; 64-bit integers exact)", "发布时 JSON 负载会编码为此消息类型（proto3 JSON 映射；64 位整数精确）";
    // Export bundles
    IncludeSchemas => "Include protobuf schemas", "包含 Protobuf 模式";
    IncludeSchemasHint => "Each exported profile's schemas, compiled into the file: whoever imports it decodes the same payloads without your .proto folder", "每个导出配置的模式编译进文件：导入者无需你的 .proto 文件夹即可解码相同的负载";
    SchemasNotBundled => "Exported without some schemas: {problems}", "导出时缺少部分模式：{problems}";
}
