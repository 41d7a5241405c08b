using Engine.Domain;

namespace Engine.Tests.DomainTests;

/// <summary>Case numbers as courts write them.</summary>
public sealed class CaseNumberTests
{
    [Theory]
    [InlineData("(2019)沪0115民初12345号")]
    [InlineData("（2019）沪0115民初12345号")]
    [InlineData("〔2019〕沪0115民初12345号")]
    [InlineData("(2020)沪01民终1号")]
    [InlineData("(2021)最高法民申100号")]
    [InlineData("(2020)最高法知民终1号")]
    [InlineData("(2019)沪73知民初1号")]
    [InlineData("(2022)沪0104执恢1234567号")]
    [InlineData("(1949)京01刑初1号")]
    [InlineData("(2100)京01刑初1号")]
    [InlineData("  (2019)沪0115民初12345号  ")]
    [InlineData("(2014)沪一中民四(商)终字第1234号")]
    [InlineData("（２０１９）沪0115民初12345号")]
    public void Case_numbers_as_courts_write_them_are_valid(string text)
    {
        Assert.True(CaseNumber.IsValid(text));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("(2019)沪0115民初12345")]
    [InlineData("(2019)沪0115民初号")]
    [InlineData("2019沪0115民初12345号")]
    [InlineData("(19)沪0115民初12345号")]
    [InlineData("(1800)沪0115民初12345号")]
    [InlineData("(1948)沪0115民初12345号")]
    [InlineData("(2101)沪0115民初12345号")]
    [InlineData("(2019)沪0115民初12345678号")]
    [InlineData("(2019)沪01156民初1号")]
    [InlineData("(2019)SH0115MC12345号")]
    [InlineData("(2019)沪0115民初12345号abc")]
    [InlineData("(2019)沪0115 民初12345号")]
    [InlineData("(2019)沪0115民初一二三号")]
    public void Malformed_case_numbers_are_invalid(string? text)
    {
        Assert.False(CaseNumber.IsValid(text));
    }

    [Fact]
    public void A_case_number_longer_than_the_limit_is_invalid_even_when_its_trimmed_form_matches()
    {
        var text = new string(' ', CaseNumber.MaxLength) + "(2019)沪0115民初12345号";

        Assert.True(CaseNumber.IsValid(text.Trim()));
        Assert.False(CaseNumber.IsValid(text));
    }

    [Fact]
    public void A_long_run_of_characters_is_invalid()
    {
        Assert.False(CaseNumber.IsValid("(2019)沪0115" + new string('民', 80) + "1号"));
    }

    [Theory]
    [InlineData("（2019）沪0115民初12345号")]
    [InlineData("〔2019〕沪0115民初12345号")]
    [InlineData(" (2019)沪0115民初12345号 ")]
    [InlineData("(２０１９)沪0115民初１２３４５号")]
    public void Full_width_brackets_digits_and_spaces_fold_to_one_look_up_key(string text)
    {
        Assert.Equal("(2019)沪0115民初12345号", CaseNumber.Normalize(text));
    }

    [Theory]
    [InlineData("(２０１９)沪0115民初12345号")]
    [InlineData("(2019)沪0115民初１２３４５号")]
    [InlineData("(٢٠١٩)沪0115民初12345号")]
    public void A_case_number_with_non_ascii_digits_gets_an_answer_rather_than_an_exception(string text)
    {
        var failure = Record.Exception(() => CaseNumber.IsValid(text));

        Assert.Null(failure);
    }
}
