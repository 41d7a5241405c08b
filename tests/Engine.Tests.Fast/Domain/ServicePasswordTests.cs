using Engine.Domain;

namespace Engine.Tests.DomainTests;

/// <summary>Litigation-service passwords, kept only as salted hashes.</summary>
public sealed class ServicePasswordTests
{
    // Few iterations keep the tests fast; the stored hash says how many were used.
    private const int FastIterations = 1_000;
    private const string Password = "test-password-1";

    [Fact]
    public void The_right_password_verifies()
    {
        var stored = ServicePassword.Hash(Password, FastIterations);

        Assert.True(ServicePassword.Verify(Password, stored));
    }

    [Theory]
    [InlineData("test-password-2")]
    [InlineData("TEST-PASSWORD-1")]
    [InlineData("test-password-1 ")]
    [InlineData("")]
    public void A_wrong_password_does_not_verify(string attempt)
    {
        var stored = ServicePassword.Hash(Password, FastIterations);

        Assert.False(ServicePassword.Verify(attempt, stored));
    }

    [Fact]
    public void A_password_does_not_verify_against_no_stored_hash()
    {
        Assert.False(ServicePassword.Verify(Password, null));
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("$$$")]
    [InlineData("md5$1000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("pbkdf2-sha256$1000$AAAAAAAAAAAAAAAAAAAAAA==")]
    [InlineData("pbkdf2-sha256$1000$AAAAAAAAAAAAAAAAAAAAAA==$AAAA")]
    public void A_password_does_not_verify_against_a_garbage_stored_hash(string stored)
    {
        Assert.False(ServicePassword.Verify(Password, stored));
    }

    [Theory]
    [InlineData("pbkdf2-sha256$1000$not base64!$not base64!")]
    [InlineData("pbkdf2-sha256$many$AAAAAAAAAAAAAAAAAAAAAA==$AAAA")]
    [InlineData("pbkdf2-sha256$0$AAAAAAAAAAAAAAAAAAAAAA==$AAAA")]
    [InlineData("pbkdf2-sha256$-1$AAAAAAAAAAAAAAAAAAAAAA==$AAAA")]
    [InlineData("pbkdf2-sha256$1000$$")]
    public void A_corrupt_stored_hash_of_the_right_shape_is_refused_rather_than_thrown(string stored)
    {
        var verified = true;
        var failure = Record.Exception(() => verified = ServicePassword.Verify(Password, stored));

        Assert.Null(failure);
        Assert.False(verified);
    }

    [Fact]
    public void Two_hashes_of_one_password_differ_by_their_salt_and_both_verify()
    {
        var first = ServicePassword.Hash(Password, FastIterations);
        var second = ServicePassword.Hash(Password, FastIterations);

        Assert.NotEqual(first, second);
        Assert.NotEqual(first.Split('$')[2], second.Split('$')[2]);
        Assert.True(ServicePassword.Verify(Password, first));
        Assert.True(ServicePassword.Verify(Password, second));
    }

    [Fact]
    public void A_hash_says_its_algorithm_and_iterations_and_never_holds_the_password()
    {
        var stored = ServicePassword.Hash(Password, FastIterations);

        var parts = stored.Split('$');
        Assert.Equal(4, parts.Length);
        Assert.Equal("pbkdf2-sha256", parts[0]);
        Assert.Equal("1000", parts[1]);
        Assert.Equal(16, Convert.FromBase64String(parts[2]).Length);
        Assert.Equal(32, Convert.FromBase64String(parts[3]).Length);
        Assert.DoesNotContain(Password, stored, StringComparison.Ordinal);
    }

    [Fact]
    public void A_hash_made_with_other_iterations_still_verifies()
    {
        var stored = ServicePassword.Hash(Password, 10);

        Assert.True(ServicePassword.Verify(Password, stored));
        Assert.False(ServicePassword.Verify("test-password-2", stored));
    }

    [Fact]
    public void A_hash_with_its_digest_altered_does_not_verify()
    {
        var parts = ServicePassword.Hash(Password, FastIterations).Split('$');
        var digest = Convert.FromBase64String(parts[3]);
        digest[0] ^= 1;
        var tampered = string.Join('$', parts[0], parts[1], parts[2], Convert.ToBase64String(digest));

        Assert.False(ServicePassword.Verify(Password, tampered));
    }
}
