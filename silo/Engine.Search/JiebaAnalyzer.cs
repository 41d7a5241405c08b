using System.Collections.Frozen;
using System.Text;
using JiebaNet.Segmenter;

namespace Engine.Search;

/// <summary>
/// Words by jieba.NET's dictionary segmentation (its HMM guesses words the dictionary lacks). Search mode (the default)
/// also gives the dictionary words inside a long word (服务密码 as well as 服务 and 密码), so a question and an entry
/// that split a phrase differently still share terms. Punctuation and stop words (by default
/// only <see cref="Particles"/>) are left out.
/// </summary>
/// <remarks>The dictionary (about 350,000 words, 5 MB) loads once per process, on first use, in about a second; it is
/// read from jieba/ beside this assembly (see Engine.Search.csproj). Segmentation only reads it, so one analyzer serves
/// concurrent callers.</remarks>
public sealed class JiebaAnalyzer : ITextAnalyzer
{
    /// <summary>Words of the courts' service that the general dictionary lacks or splits; given a frequency that makes
    /// them win over the pieces.</summary>
    private static readonly string[] DomainWords =
    [
        "12368", "立案", "网上立案", "跨域立案", "诉讼费", "受理费", "保全费", "退费", "缓交", "服务密码", "诉讼服务密码",
        "查询码", "诉讼服务", "诉讼服务网", "移动微法院", "电子送达", "公告送达", "传票", "执行款", "申请执行", "恢复执行",
        "终本", "失信", "限高", "老赖", "被执行人", "阅卷", "网上阅卷", "电子卷宗", "代理词", "调查令", "诉前调解", "司法确认",
        "延期开庭", "开庭", "庭审", "承办法官", "执行法官", "律师服务平台", "生效证明", "财产保全", "财产线索", "撤诉", "上诉",
    ];

    private static readonly Lazy<JiebaSegmenter> Segmenter = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly bool _searchMode;
    private readonly IReadOnlySet<string> _stopWords;

    /// <param name="searchMode">True: jieba's search mode (long words and the words inside them); false: its accurate
    /// mode (one best split).</param>
    /// <param name="stopWords">Words left out; <see cref="Particles"/> when null (what search wants: BM25's idf already
    /// weighs common words down, and words such as 不 or 没 change what is asked).</param>
    public JiebaAnalyzer(bool searchMode = true, IReadOnlySet<string>? stopWords = null)
    {
        _searchMode = searchMode;
        _stopWords = stopWords ?? Particles;
    }

    /// <summary>Modal particles only: they carry no meaning in a question.</summary>
    public static FrozenSet<string> Particles { get; } = FrozenSet.Create(StringComparer.Ordinal,
        ["的", "了", "吗", "呢", "啊", "吧", "呀", "嘛", "哦", "么", "啦"]);

    /// <summary>Function words, pronouns, question fillers and vague verbs that say nothing about a topic (for hot
    /// topics, where a term must read as a subject).</summary>
    public static FrozenSet<string> StopWords { get; } = FrozenSet.Create(StringComparer.Ordinal,
    [
        "的", "了", "吗", "呢", "啊", "吧", "呀", "嘛", "哦", "么", "着", "过", "地", "得", "和", "与", "及", "或", "也", "还",
        "都", "就", "又", "再", "才", "很", "太", "我", "你", "您", "他", "她", "它", "我们", "你们", "他们", "自己", "这",
        "那", "这个", "那个", "这样", "对方", "法院", "是", "在", "有", "没", "没有", "不", "要", "想", "能", "会", "可以", "可", "请", "请问",
        "一下", "怎么", "怎么办", "怎样", "如何", "什么", "啥", "咋", "哪", "哪里", "哪个", "为什么", "一个", "个", "给",
        "把", "被", "让", "对", "从", "到", "向", "跟", "里", "上", "下", "中", "后", "前", "时候", "现在", "已经", "一直",
        "还是", "但是", "因为", "所以", "如果", "等", "该", "应该", "需要", "一", "二", "三", "多", "点", "些", "你好",
        "您好", "谢谢", "感谢", "麻烦", "是否", "能否", "目前", "问题", "情况", "希望", "知道", "不知道", "告诉", "转告",
        "请转告", "多久", "何时", "能不能", "可不可以", "是不是", "怎么样", "一些", "哪些", "多少", "以后", "之后",
        "办理", "申请", "提交", "进行", "已", "不能", "不会", "还没", "还没有", "有没有", "需不需要",
    ]);

    public IReadOnlyList<string> Terms(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var normal = text.Normalize(NormalizationForm.FormKC).ToLowerInvariant();
        var words = _searchMode ? Segmenter.Value.CutForSearch(normal) : Segmenter.Value.Cut(normal);
        var terms = new List<string>();
        foreach (var word in words)
        {
            if (word.Any(char.IsLetterOrDigit) && !_stopWords.Contains(word))
            {
                terms.Add(word);
            }
        }

        return terms;
    }

    private static JiebaSegmenter Load()
    {
        ConfigManager.ConfigFileBaseDir = Path.Combine(AppContext.BaseDirectory, "jieba");
        var segmenter = new JiebaSegmenter();
        foreach (var word in DomainWords)
        {
            segmenter.AddWord(word, 50_000);
        }

        return segmenter;
    }
}
