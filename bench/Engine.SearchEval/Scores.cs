using System.Globalization;
using Engine.Search;

namespace Engine.SearchEval;

/// <summary>
/// Where Engine:Knowledge:GoodScore should sit for the chosen index: the top hit's score for the labelled questions it
/// answers right, for those it answers wrong, and for questions the knowledge base has no answer to (written here:
/// things people ask a court hotline that no entry covers, and things no court answers). A good threshold keeps most
/// right answers and few of the rest.
/// </summary>
internal static class Scores
{
    private static readonly string[] Unanswered =
    [
        "今天上海天气怎么样",
        "附近有什么好吃的餐厅推荐",
        "我的快递三天了还没到怎么办",
        "医保卡丢了去哪里补办",
        "怎么申请公租房",
        "小孩上学户口迁移怎么办",
        "驾照扣分了能不能找人代扣",
        "公司欠我工资我能不能直接去仲裁委",
        "护照过期了怎么续签",
        "社保断缴了会有什么影响",
        "手机号被停机了怎么恢复",
        "帮我查一下明天的航班",
        "居住证怎么办理",
        "房子装修噪音太大找哪个部门",
        "我想考公务员需要什么条件",
        "养老金什么时候涨",
        "银行卡被冻结了怎么解冻",
        "宠物狗走丢了怎么找",
        "出租车多收钱了去哪投诉",
        "网上买东西被骗了该报警吗",
    ];

    public static void Run(Corpus corpus)
    {
        var index = KnowledgeIndexes.Create();
        index.Load(corpus.Entries);
        var right = new List<double>();
        var wrong = new List<double>();
        foreach (var q in corpus.Questions)
        {
            var top = index.Search(q.Text, corpus.Scope(q.Court), 1);
            if (top.Count == 0)
            {
                continue;
            }

            (q.Expected.Contains(top[0].EntryId) ? right : wrong).Add(top[0].Score);
        }

        var none = Unanswered.Select(text => index.Search(text, corpus.Scope("sh-xuhui"), 1)).Where(h => h.Count > 0).Select(h => h[0].Score).ToList();
        Console.WriteLine($"top hit scores, {corpus.Questions.Count} labelled questions and {Unanswered.Length} the knowledge base does not answer");
        Console.WriteLine();
        Console.WriteLine("| top hit | n | p10 | p25 | p50 | p75 | p90 |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        Row("right", right);
        Row("wrong", wrong);
        Row("no answer", none);
        Console.WriteLine();
        Console.WriteLine("| threshold | right kept | wrong kept | no answer kept |");
        Console.WriteLine("| ---: | ---: | ---: | ---: |");
        foreach (var threshold in new[] { 4.0, 6, 8, 10, 12, 14, 16, 18, 20, 24 })
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {threshold:F0} | {Share(right, threshold):P0} | {Share(wrong, threshold):P0} | {Share(none, threshold):P0} |"));
        }
    }

    private static double Share(List<double> scores, double threshold) => scores.Count == 0 ? 0 : (double)scores.Count(s => s >= threshold) / scores.Count;

    private static void Row(string name, List<double> scores)
    {
        scores.Sort();
        string P(double p) => scores.Count == 0 ? "-" : scores[Math.Min(scores.Count - 1, (int)(p * scores.Count))].ToString("F1", CultureInfo.InvariantCulture);
        Console.WriteLine($"| {name} | {scores.Count} | {P(0.1)} | {P(0.25)} | {P(0.5)} | {P(0.75)} | {P(0.9)} |");
    }
}
