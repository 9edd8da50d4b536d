// The packet inspector's and the connection details' words: key => English,
// Simplified Chinese. Included by i18n.rs. Placeholders are {name}; keep
// them in every language.
catalogue! {
    TrWire;
    // The central view's pages
    MessagesPage => "Messages", "消息";
    PacketsPage => "Packets", "数据包";
    PacketsPageHint => "Every MQTT packet this connection sent and received, decoded from the bytes on the wire", "此连接发送和接收的每个 MQTT 数据包，从线路上的字节解码";

    // Toolbar
    SearchLabel => "Search", "搜索";
    SearchPackets => "type, topic, reason, property…", "类型、主题、原因码、属性…";
    TopicLabel => "Topic", "主题";
    TopicOrFilter => "Topic or filter", "主题或过滤器";
    PacketId => "Packet id", "报文标识符";
    PacketIdInvalid => "A packet id is a number from 1 to 65535", "报文标识符是 1 到 65535 之间的数字";
    BothDirections => "Both directions", "双向";
    SentOnly => "Sent", "发送";
    ReceivedOnly => "Received", "接收";
    PacketTypes => "Types", "类型";
    ShowAllTypes => "Show all types", "显示所有类型";
    HidePings => "Hide PINGREQ / PINGRESP", "隐藏 PINGREQ / PINGRESP";
    ExportPackets => "Export…", "导出…";
    ExportPacketsHint => "Save the packets shown as JSON Lines", "将显示的数据包保存为 JSON Lines";
    ExportPacketsTitle => "Export packets", "导出数据包";
    ClearPackets => "Clear", "清空";
    ClearPacketsHint => "Forget the recorded packets of this tab", "清除此标签页已记录的数据包";
    PacketCounts => "{shown} of {total} {total|packet|packets}", "{shown} / {total} 个数据包";
    PacketsDropped => "{n} earlier {n|packet|packets} not kept", "{n} 个较早的数据包未保留";
    PacketsDroppedHint => "The inspector keeps the newest {cap} packets of a tab; older ones go first, and packets are not recorded while the window cannot keep up", "检查器保留每个标签页最新的 {cap} 个数据包；较旧的先被移除，窗口跟不上时数据包不会被记录";
    BasisNote => "Decoded from the wire", "从线路解码";
    BasisNoteHint => "Each row is decoded from the bytes this client wrote to or read from the connection, after TLS and WebSocket and before the MQTT library: nothing is reconstructed. Times are when the bytes were written or read, to the microsecond.", "每一行都从此客户端写入或读取连接的字节解码，位于 TLS 和 WebSocket 之后、MQTT 库之前：没有任何重建。时间是写入或读取字节的时刻，精确到微秒。";
    NoPacketsYet => "No packets yet: connect, and every packet this connection sends and receives appears here.", "还没有数据包：连接后，此连接发送和接收的每个数据包都会显示在这里。";
    NoPacketMatches => "No packet matches the filters.", "没有匹配过滤条件的数据包。";

    // Columns
    ColTime => "Time", "时间";
    ColType => "Type", "类型";
    ColFlags => "Flags", "标志";
    ColId => "Id", "标识";
    ColSize => "Size", "大小";
    ColAnswer => "Answer time", "应答时间";
    ColDetails => "Details", "详情";
    Retransmission => "retransmission (DUP)", "重传 (DUP)";
    AnswerAfter => "{time} after {packet}", "{packet} 之后 {time}";
    AnswerTotal => "{time} since the PUBLISH", "距 PUBLISH {time}";

    // The selected packet
    PacketTitle => "{type} #{seq}", "{type} #{seq}";
    ClosePacket => "Close", "关闭";
    DirectionSent => "sent by this client", "由此客户端发送";
    DirectionReceived => "received from the broker", "从代理接收";
    FieldWhen => "Time", "时间";
    FieldDirection => "Direction", "方向";
    FieldSize => "Size on the wire", "线路上的大小";
    FieldSizeValue => "{n} bytes", "{n} 字节";
    FieldFlags => "Fixed header flags", "固定报头标志";
    FieldPacketId => "Packet identifier", "报文标识符";
    FieldTopic => "Topic", "主题";
    TopicFromAlias => "{topic} (from topic alias {alias})", "{topic}（来自主题别名 {alias}）";
    TopicSetsAlias => "{topic} (sets topic alias {alias})", "{topic}（设置主题别名 {alias}）";
    FieldReasonCodes => "Reason codes", "原因码";
    ImpliedSuccess => "none in the packet (MQTT 5 implies 0x00 Success)", "报文中没有（MQTT 5 隐含 0x00 成功）";
    FieldFilters => "Topic filters", "主题过滤器";
    FieldProperties => "Properties", "属性";
    NoProperties => "none", "无";
    FieldPayload => "Payload", "负载";
    PayloadPreviewOf => "first {shown} of {total} bytes", "共 {total} 字节中的前 {shown} 字节";
    FieldAnswer => "Answer time", "应答时间";
    FieldProblem => "Problem", "问题";
    FieldBasis => "Based on", "依据";
    BasisWire => "the bytes on the connection (after TLS and WebSocket framing)", "连接上的字节（TLS 和 WebSocket 分帧之后）";
    FieldLink => "Network connection", "网络连接";
    LinkNumber => "#{n} of this connection (each reconnect starts the next)", "此连接的第 {n} 次（每次重连开始新的一次）";
    CopyPacketJson => "Copy as JSON", "复制为 JSON";

    RecordPackets => "Record packets for the packet inspector", "为数据包检查器记录数据包";
    RecordPacketsHint => "Every packet sent and received is decoded and kept (the newest 20,000 per tab). Off saves that work on a connection nobody inspects.", "发送和接收的每个数据包都会被解码并保留（每个标签页最新 20,000 个）。关闭可在无人检查的连接上省去这部分开销。";

    // Proxies
    ProxyKindLabel => "Proxy type", "代理类型";
    ProxyUserName => "User name", "用户名";
    ProxyUserId => "User id", "用户 ID";
    Socks4aNoPassword => "SOCKS4a has no passwords: only a user id", "SOCKS4a 没有密码：只有用户 ID";
    ProxyPasswordSource => "Proxy password", "代理密码";
    ProxyPasswordPromptTitle => "Proxy password", "代理密码";
    ProxyPasswordPromptText => "Password for the proxy {proxy}", "代理 {proxy} 的密码";

    // TLS key logging
    KeyLogBadge => "⚠ TLS keys logged", "⚠ TLS 密钥已记录";
    KeyLogBadgeHint => "This connection's TLS session keys are written to {path}: anyone with that file can decrypt its traffic, passwords included", "此连接的 TLS 会话密钥写入 {path}：任何拥有该文件的人都能解密其流量，包括密码";
    KeyLogSetting => "Dangerous: write TLS session keys to", "危险：将 TLS 会话密钥写入";
    KeyLogSettingPlaceholder => "file for Wireshark (empty: off)", "供 Wireshark 使用的文件（留空：关闭）";
    KeyLogSettingHint => "Appends the NSS key log lines Wireshark reads to decrypt a capture of this connection. Anyone with the file can read the traffic, passwords included. The SSLKEYLOGFILE environment variable does the same for every connection.", "追加 Wireshark 解密此连接抓包所需的 NSS 密钥日志行。任何拥有该文件的人都能读取流量，包括密码。环境变量 SSLKEYLOGFILE 对所有连接起同样作用。";

    // Connection details (the broker's CONNACK)
    ConnectionDetails => "Details", "详情";
    ConnectionDetailsHint => "What the broker announced when this connection was made (its CONNACK)", "建立此连接时代理公布的内容（其 CONNACK）";
    ConnectionDetailsTitle => "Connection details: {tab}", "连接详情：{tab}";
    NoConnAckYet => "Not connected yet: the broker's answer to CONNECT appears here.", "尚未连接：代理对 CONNECT 的应答会显示在这里。";
    FromLastConnection => "From the last connection (not connected now)", "来自上一次连接（当前未连接）";
    V311ConnAckNote => "An MQTT 3.1.1 CONNACK carries only session present and a return code.", "MQTT 3.1.1 的 CONNACK 只包含会话存在标志和返回码。";
    Yes => "yes", "是";
    No => "no", "否";
    NotSent => "not sent", "未发送";
    Protocol => "Protocol", "协议";
    ClientIdInUse => "Client ID in use", "使用中的客户端 ID";
    AssignedClientIdNote => "assigned by the broker (Assigned Client Identifier)", "由代理分配（Assigned Client Identifier）";
    SessionResumedNote => "the broker kept this client's session: subscriptions and queued messages carry on", "代理保留了此客户端的会话：订阅和排队的消息继续有效";
    SessionNewNote => "a new session", "新会话";
    ServerKeepAliveApplied => "replaces the {ours} s this client asked for; pings follow it", "取代此客户端请求的 {ours} 秒；心跳按它发送";
    OurKeepAliveApplies => "the {ours} s this client asked for applies", "使用此客户端请求的 {ours} 秒";
    ReceiveMaximumNote => "at most {n} QoS 1 and 2 publishes are in flight at once", "同时最多有 {n} 条 QoS 1 和 2 的发布在途";
    MaximumQosNote => "publishes above QoS {qos} are sent with QoS {qos}", "高于 QoS {qos} 的发布以 QoS {qos} 发送";
    RetainAvailableNote => "retained messages are kept", "保留消息会被保存";
    RetainUnavailableNote => "retained publishes are refused here, before sending", "保留发布会在发送前在此被拒绝";
    MaximumPacketSizeNote => "publishes larger than {n} bytes are refused here, before sending", "大于 {n} 字节的发布会在发送前在此被拒绝";
    NoPacketSizeLimit => "no limit announced", "未公布限制";
    TopicAliasMaximumNote => "aliases the broker accepts from this client (this client sends full topics)", "代理接受此客户端使用的别名数（此客户端发送完整主题）";
    QosCapped => "goes as QoS {qos}", "将以 QoS {qos} 发送";
    QosCappedHint => "The broker's Maximum QoS (in its CONNACK) is lower: the message is sent with it", "代理的最大 QoS（在其 CONNACK 中）更低：消息将以该 QoS 发送";
    RetainUnavailable => "broker has no retain", "代理不支持保留";
    RetainUnavailableHint => "The broker announced Retain Available = 0: a retained publish is refused before sending", "代理公布 Retain Available = 0：保留发布会在发送前被拒绝";
    AbsentMeansYes => "not sent means available", "未发送表示可用";
    ResponseInformationNote => "sent only when the profile asks for it (Request Response Information)", "仅在配置请求时发送（Request Response Information）";
}
