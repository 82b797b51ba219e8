namespace Custos.Core.Tests.Vault.Transfer;

/// <summary>Exports shaped like those of Bitwarden's clients ("File > Export vault"), with made-up values.</summary>
internal static class BitwardenJsonSamples
{
    public const string WorkFolderId = "3b1f6c2e-8d4a-4f0e-9a7b-1c2d3e4f5a6b";
    public const string MailItemId = "0d9c5b2a-4e6f-4a8b-9c1d-2e3f4a5b6c7d";

    public const string IndividualVault = """
        {
          "encrypted": false,
          "folders": [
            { "id": "3b1f6c2e-8d4a-4f0e-9a7b-1c2d3e4f5a6b", "name": "Work" },
            { "id": "7e2d9f41-0c3b-4d6a-8e5f-2a1b3c4d5e6f", "name": "Work/Servers/Linux" },
            { "id": "a4c8e2f6-1b3d-4e5f-8a9b-0c1d2e3f4a5b", "name": "Privat" }
          ],
          "items": [
            {
              "passwordHistory": [
                { "lastUsedDate": "2024-03-01T09:15:00.000Z", "password": "Winter2023!" },
                { "lastUsedDate": "2023-06-10T08:00:00.000Z", "password": "Sommer2022!" }
              ],
              "revisionDate": "2024-03-01T09:15:02.123Z",
              "creationDate": "2022-01-15T12:00:00.000Z",
              "deletedDate": null,
              "id": "0d9c5b2a-4e6f-4a8b-9c1d-2e3f4a5b6c7d",
              "organizationId": null,
              "folderId": "3b1f6c2e-8d4a-4f0e-9a7b-1c2d3e4f5a6b",
              "type": 1,
              "reprompt": 0,
              "name": "Mail server",
              "notes": "IMAP: 993\nSMTP: 587",
              "favorite": true,
              "fields": [
                { "name": "Customer number", "value": "KD-4711", "type": 0, "linkedId": null },
                { "name": "Recovery PIN", "value": "8642", "type": 1, "linkedId": null },
                { "name": "Admin", "value": "true", "type": 2, "linkedId": null },
                { "name": "Copy of user", "value": null, "type": 3, "linkedId": 100 }
              ],
              "login": {
                "fido2Credentials": [],
                "uris": [
                  { "match": null, "uri": "https://mail.example.com" },
                  { "match": 3, "uri": "imaps://mail.example.com:993" }
                ],
                "username": "alice@example.com",
                "password": "Frühling2024!",
                "totp": "otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example"
              },
              "collectionIds": null
            },
            {
              "passwordHistory": null,
              "revisionDate": "2024-05-02T10:00:00.000Z",
              "creationDate": "2024-05-02T10:00:00.000Z",
              "deletedDate": null,
              "id": "5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f",
              "organizationId": null,
              "folderId": "7e2d9f41-0c3b-4d6a-8e5f-2a1b3c4d5e6f",
              "type": 1,
              "reprompt": 1,
              "name": "build-01",
              "notes": null,
              "favorite": false,
              "login": {
                "fido2Credentials": [
                  {
                    "credentialId": "b0d1c2e3-f4a5-4b6c-8d7e-9f0a1b2c3d4e",
                    "keyType": "public-key",
                    "keyAlgorithm": "ECDSA",
                    "keyCurve": "P-256",
                    "keyValue": "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg",
                    "rpId": "build-01.example.com",
                    "userHandle": "YWxpY2U",
                    "userName": "root",
                    "counter": "0",
                    "rpName": "build-01",
                    "userDisplayName": "root",
                    "discoverable": "true",
                    "creationDate": "2024-05-02T10:00:00.000Z"
                  }
                ],
                "uris": [ { "match": null, "uri": "ssh://build-01.example.com" } ],
                "username": "root",
                "password": "c0rrect-h0rse",
                "totp": null
              },
              "collectionIds": null
            },
            {
              "passwordHistory": null,
              "revisionDate": "2023-11-20T18:30:00.000Z",
              "creationDate": "2023-11-20T18:30:00.000Z",
              "deletedDate": null,
              "id": "9e8d7c6b-5a4f-4e3d-9c2b-1a0f9e8d7c6b",
              "organizationId": null,
              "folderId": null,
              "type": 2,
              "reprompt": 0,
              "name": "WLAN zu Hause",
              "notes": "SSID: Heimnetz\nSchlüssel: siehe Router",
              "favorite": false,
              "secureNote": { "type": 0 },
              "collectionIds": null
            },
            {
              "passwordHistory": null,
              "revisionDate": "2024-01-01T00:00:00.000Z",
              "creationDate": "2024-01-01T00:00:00.000Z",
              "deletedDate": null,
              "id": "1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9",
              "organizationId": null,
              "folderId": "a4c8e2f6-1b3d-4e5f-8a9b-0c1d2e3f4a5b",
              "type": 3,
              "reprompt": 0,
              "name": "Visa",
              "notes": null,
              "favorite": false,
              "card": {
                "cardholderName": "Alice Example",
                "brand": "Visa",
                "number": "4111111111111111",
                "expMonth": "7",
                "expYear": "2027",
                "code": "123"
              },
              "collectionIds": null
            },
            {
              "passwordHistory": null,
              "revisionDate": "2024-01-01T00:00:00.000Z",
              "creationDate": "2024-01-01T00:00:00.000Z",
              "deletedDate": null,
              "id": "2a3b4c5d-6e7f-4809-9a1b-2c3d4e5f6a7b",
              "organizationId": null,
              "folderId": "a4c8e2f6-1b3d-4e5f-8a9b-0c1d2e3f4a5b",
              "type": 4,
              "reprompt": 0,
              "name": "Personalausweis",
              "notes": null,
              "favorite": false,
              "identity": {
                "title": "Ms",
                "firstName": "Alice",
                "middleName": null,
                "lastName": "Example",
                "address1": "Hauptstraße 1",
                "address2": null,
                "address3": null,
                "city": "Berlin",
                "state": null,
                "postalCode": "10115",
                "country": "DE",
                "company": "Example GmbH",
                "email": "alice@example.com",
                "phone": "+49 30 1234567",
                "ssn": "12 345678 A 123",
                "username": "aexample",
                "passportNumber": "C01X00T47",
                "licenseNumber": "B072RRE2I55"
              },
              "collectionIds": null
            },
            {
              "passwordHistory": null,
              "revisionDate": "2024-02-02T00:00:00.000Z",
              "creationDate": "2024-02-02T00:00:00.000Z",
              "deletedDate": null,
              "id": "3c4d5e6f-7a8b-490c-8d1e-2f3a4b5c6d7e",
              "organizationId": null,
              "folderId": "7e2d9f41-0c3b-4d6a-8e5f-2a1b3c4d5e6f",
              "type": 5,
              "reprompt": 0,
              "name": "Deploy key",
              "notes": null,
              "favorite": false,
              "sshKey": {
                "privateKey": "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----\n",
                "publicKey": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTests deploy@example",
                "keyFingerprint": "SHA256:9xZ1oQ8Vw6Jv9pXb7m1c2Q0eYk3fWl4sR5tU6vA7bC8"
              },
              "collectionIds": null
            },
            {
              "passwordHistory": null,
              "revisionDate": "2024-04-04T00:00:00.000Z",
              "creationDate": "2024-04-04T00:00:00.000Z",
              "deletedDate": "2024-04-05T00:00:00.000Z",
              "id": "4d5e6f7a-8b9c-4a0d-9e1f-2a3b4c5d6e7f",
              "organizationId": null,
              "folderId": null,
              "type": 1,
              "reprompt": 0,
              "name": "Old forum",
              "notes": null,
              "favorite": false,
              "login": { "fido2Credentials": [], "uris": [], "username": "al", "password": "forum123", "totp": null },
              "collectionIds": null
            },
            {
              "revisionDate": "2024-04-04T00:00:00.000Z",
              "creationDate": "2024-04-04T00:00:00.000Z",
              "deletedDate": null,
              "id": "6f7a8b9c-0d1e-4f2a-8b3c-4d5e6f7a8b9c",
              "folderId": null,
              "type": 99,
              "name": "Future thing",
              "favorite": false
            }
          ]
        }
        """;

    public const string EngineeringCollectionId = "c1a2b3c4-d5e6-4f70-8192-a3b4c5d6e7f8";

    public const string OrganisationVault = """
        {
          "encrypted": false,
          "collections": [
            {
              "id": "c1a2b3c4-d5e6-4f70-8192-a3b4c5d6e7f8",
              "organizationId": "0a1b2c3d-4e5f-4061-8273-94a5b6c7d8e9",
              "name": "Engineering",
              "externalId": null
            },
            {
              "id": "d2b3c4d5-e6f7-4081-9293-a4b5c6d7e8f9",
              "organizationId": "0a1b2c3d-4e5f-4061-8273-94a5b6c7d8e9",
              "name": "Engineering/Databases",
              "externalId": null
            },
            {
              "id": "e3c4d5e6-f708-4192-a3a4-b5c6d7e8f9a0",
              "organizationId": "0a1b2c3d-4e5f-4061-8273-94a5b6c7d8e9",
              "name": "Finance",
              "externalId": null
            }
          ],
          "items": [
            {
              "passwordHistory": null,
              "revisionDate": "2024-06-01T07:00:00.000Z",
              "creationDate": "2024-06-01T07:00:00.000Z",
              "deletedDate": null,
              "id": "f4d5e6f7-0819-4a2b-b3c4-d5e6f7a8b9c0",
              "organizationId": "0a1b2c3d-4e5f-4061-8273-94a5b6c7d8e9",
              "folderId": null,
              "type": 1,
              "reprompt": 0,
              "name": "Postgres prod",
              "notes": null,
              "favorite": false,
              "login": {
                "fido2Credentials": [],
                "uris": [ { "match": null, "uri": "postgres://db.example.com:5432" } ],
                "username": "dba",
                "password": "pg-Secret1",
                "totp": null
              },
              "collectionIds": [ "d2b3c4d5-e6f7-4081-9293-a4b5c6d7e8f9", "e3c4d5e6-f708-4192-a3a4-b5c6d7e8f9a0" ]
            },
            {
              "passwordHistory": null,
              "revisionDate": "2024-06-01T07:00:00.000Z",
              "creationDate": "2024-06-01T07:00:00.000Z",
              "deletedDate": null,
              "id": "a5e6f708-192a-4b3c-84d5-e6f7a8b9c0d1",
              "organizationId": "0a1b2c3d-4e5f-4061-8273-94a5b6c7d8e9",
              "folderId": null,
              "type": 1,
              "reprompt": 0,
              "name": "Shared printer",
              "notes": null,
              "favorite": false,
              "login": { "fido2Credentials": [], "uris": [], "username": "admin", "password": "print!", "totp": null },
              "collectionIds": []
            }
          ]
        }
        """;

    /// <summary>"Account restricted" export: the values are encrypted with the account's key.</summary>
    public const string AccountEncrypted = """
        {
          "encrypted": true,
          "encKeyValidation_DO_NOT_EDIT": "2.Dh4hZ0ZtV2Jvb3N0cmFw|c2FtcGxlLWNpcGhlcnRleHQ=|bWFjLXZhbHVl",
          "folders": [
            { "id": "3b1f6c2e-8d4a-4f0e-9a7b-1c2d3e4f5a6b", "name": "2.Zm9sZGVy|bmFtZQ==|bWFj" }
          ],
          "items": [
            {
              "id": "0d9c5b2a-4e6f-4a8b-9c1d-2e3f4a5b6c7d",
              "folderId": "3b1f6c2e-8d4a-4f0e-9a7b-1c2d3e4f5a6b",
              "type": 1,
              "name": "2.aXRlbQ==|bmFtZQ==|bWFj",
              "login": { "username": "2.dXNlcg==|bmFtZQ==|bWFj", "password": "2.cGFzcw==|d29yZA==|bWFj" }
            }
          ]
        }
        """;

    /// <summary>"Password protected" export: everything is in one encrypted "data" value.</summary>
    public const string PasswordProtected = """
        {
          "encrypted": true,
          "passwordProtected": true,
          "salt": "c2FsdHNhbHRzYWx0c2FsdA==",
          "kdfType": 0,
          "kdfIterations": 600000,
          "kdfMemory": null,
          "kdfParallelism": null,
          "encKeyValidation_DO_NOT_EDIT": "2.dmFsaWRhdGlvbg==|Y2lwaGVy|bWFj",
          "data": "2.ZGF0YQ==|ZW5jcnlwdGVk|bWFj"
        }
        """;
}
