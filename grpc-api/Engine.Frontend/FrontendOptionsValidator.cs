using Engine.Api;
using Engine.Domain;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Engine.Frontend;

/// <summary>The ranges of <see cref="FrontendOptions"/>. They are read before the host exists (the gateways go into
/// the client's configuration), so <see cref="FrontendHost.Build"/> runs this itself and stops with its one line.</summary>
public sealed class FrontendOptionsValidator : IValidateOptions<FrontendOptions>
{
    public const string Section = "Frontend";

    public ValidateOptionsResult Validate(string? name, FrontendOptions options)
    {
        var check = new SettingsCheck(Section);
        if (!Hosting.TryParseEndpoint(options.GrpcEndpoint, out _))
        {
            check.Fail(nameof(options.GrpcEndpoint), Hosting.NotAnEndpoint(options.GrpcEndpoint));
        }

        for (var i = 0; i < options.Gateways.Count; i++)
        {
            if (!Hosting.TryParseEndpoint(options.Gateways[i], out _))
            {
                check.Fail($"{nameof(options.Gateways)}:{i}", Hosting.NotAnEndpoint(options.Gateways[i], "127.0.0.1:30000"));
            }
        }

        if (!string.IsNullOrWhiteSpace(options.MembershipConnectionString))
        {
            CheckConnectionString(check, options.MembershipConnectionString);
        }

        check.Required(nameof(options.ClusterId), options.ClusterId);
        check.Required(nameof(options.ServiceId), options.ServiceId);
        return check.Failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(check.Failures);
    }

    /// <summary>Without a host the client would look for the membership table on localhost; the string itself is
    /// never repeated (it holds a password).</summary>
    private static void CheckConnectionString(SettingsCheck check, string connectionString)
    {
        const string setting = nameof(FrontendOptions.MembershipConnectionString);
        try
        {
            if (string.IsNullOrEmpty(new NpgsqlConnectionStringBuilder(connectionString).Host))
            {
                check.Fail(setting, "names no Host");
            }
        }
        catch (ArgumentException ex)
        {
            check.Fail(setting, $"is not a valid PostgreSQL connection string: {ex.Message}");
        }
    }
}
