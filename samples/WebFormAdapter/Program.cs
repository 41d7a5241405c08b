// A channel adapter: POST /forms with a web form's JSON; answers with the ticket id. See README.md in this folder.
await WebFormAdapter.AdapterApp.Build(args).RunAsync();
