using Engine.Domain;

namespace Engine.Tests.DomainTests;

/// <summary>Mainland phone numbers: validation, the canonical form, masking and the pseudonym.</summary>
public sealed class PhoneTests
{
    [Theory]
    [InlineData("13800000001", "13800000001")]
    [InlineData("+8613800000001", "13800000001")]
    [InlineData("+86 138 0000 0001", "13800000001")]
    [InlineData("138-0000-0001", "13800000001")]
    [InlineData("  13800000001  ", "13800000001")]
    [InlineData("19900000009", "19900000009")]
    [InlineData("021-12345678", "02112345678")]
    [InlineData("+86 021 1234 5678", "02112345678")]
    [InlineData("0571-88888888", "057188888888")]
    [InlineData("010-1234567", "0101234567")]
    public void Valid_numbers_have_a_canonical_form_of_digits_only(string text, string canonical)
    {
        Assert.True(Phone.IsValid(text));
        Assert.Equal(canonical, Phone.Canonical(text));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("12345")]
    [InlineData("1380000000")]
    [InlineData("138000000011")]
    [InlineData("12800000001")]
    [InlineData("23800000001")]
    [InlineData("8613800000001")]
    [InlineData("+85213800000001")]
    [InlineData("138.0000.0001")]
    [InlineData("(021)12345678")]
    [InlineData("138O0000001")]
    [InlineData("１３８00000001")]
    [InlineData("00112345678")]
    [InlineData("021-123456")]
    [InlineData("1 3 8 0 0 0 0 0 0 0 1 - - - - - - - -")]
    public void Invalid_numbers_have_no_canonical_form(string? text)
    {
        Assert.False(Phone.IsValid(text));
        Assert.Null(Phone.Canonical(text));
    }

    [Theory]
    [InlineData("13800000001", "138****0001")]
    [InlineData("+86 138-0000-0001", "138****0001")]
    [InlineData("021-12345678", "021****5678")]
    [InlineData("010-1234567", "010***4567")]
    public void A_mask_keeps_the_first_three_and_the_last_four_digits(string text, string masked)
    {
        Assert.Equal(masked, Phone.Mask(text));
    }

    [Theory]
    [InlineData("not a phone", "***")]
    [InlineData("12345", "***")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void A_mask_of_anything_else_gives_nothing_away(string? text, string masked)
    {
        Assert.Equal(masked, Phone.Mask(text));
    }

    [Fact]
    public void A_pseudonym_is_stable_for_one_key_different_under_another_and_holds_no_digit_of_the_number()
    {
        byte[] key = [1, 2, 3], other = [1, 2, 4];

        var pseudonym = Phone.Pseudonym("13800000001", key);

        Assert.Equal(pseudonym, Phone.Pseudonym("13800000001", key));
        Assert.NotEqual(pseudonym, Phone.Pseudonym("13800000001", other));
        Assert.NotEqual(pseudonym, Phone.Pseudonym("13800000002", key));
        Assert.Matches("^[0-9a-f]{32}$", pseudonym);
        Assert.DoesNotContain("13800000001", pseudonym, StringComparison.Ordinal);
    }
}
