package generic

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"os"
	"regexp"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var here = Place{Region: "eu-west-1", Account: "123456789012"}

func TestLookupKnowsTheSDKTypesAndNothingElse(t *testing.T) {
	q, ok := Lookup("aws:sqs/queue:Queue")
	require.True(t, ok)
	p, ok := q.Prop("visibilityTimeoutSeconds")
	require.True(t, ok)
	assert.Equal(t, Prop{Name: "visibilityTimeoutSeconds", Kind: Number, Input: true}, p)
	p, _ = q.Prop("url")
	assert.False(t, p.Input, "url is an output only")
	assert.Equal(t, "name", q.NameProperty())

	pol, _ := Lookup("aws:iam/policy:Policy")
	assert.Equal(t, []string{"policy"}, pol.Required())

	_, ok = Lookup("aws:sqs/queue:Queu")
	assert.False(t, ok)
	assert.Greater(t, len(Tokens()), 1000, "the whole pulumi-aws v6 token list")
}

func TestClosestNamesTheRealType(t *testing.T) {
	assert.Equal(t, "aws:sqs/queue:Queue", Closest("aws:sqs/queue:Queu"))
	assert.Equal(t, "aws:dynamodb/table:Table", Closest("aws:dynamodb/tabel:Table"))
	assert.Equal(t, "aws:secretsmanager/secret:Secret", Closest("aws:secretmanager/secret:Secret"))
}

func TestReplacesNamesAndWhatTheDocsSay(t *testing.T) {
	q, _ := Lookup("aws:sqs/queue:Queue")
	assert.True(t, q.Replaces("name"))
	assert.True(t, q.Replaces("namePrefix"))
	assert.False(t, q.Replaces("visibilityTimeoutSeconds"))
	assert.False(t, q.Replaces("arn"), "outputs never force replacement")
	// aws:ec2/vpcEndpoint's docs: "Changing this forces a new resource" or
	// similar wording for at least one input somewhere in the SDK.
	n := 0
	for _, tok := range Tokens() {
		ty, _ := Lookup(tok)
		for _, p := range ty.Props {
			if p.DocForcesNew {
				n++
			}
		}
	}
	assert.Positive(t, n)
}

func TestCreateGivesAWSShapedIDsAndARNs(t *testing.T) {
	cases := []struct {
		token, name, id, arn string
	}{
		{"aws:sqs/queue:Queue", "jobs", "https://sqs.eu-west-1.amazonaws.com/123456789012/jobs",
			"arn:aws:sqs:eu-west-1:123456789012:jobs"},
		{"aws:dynamodb/table:Table", "orders", "orders", "arn:aws:dynamodb:eu-west-1:123456789012:table/orders"},
		{"aws:iam/policy:Policy", "reader", "arn:aws:iam::123456789012:policy/reader", "arn:aws:iam::123456789012:policy/reader"},
		{"aws:secretsmanager/secret:Secret", "db", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db",
			"arn:aws:secretsmanager:eu-west-1:123456789012:secret:db"},
	}
	for _, c := range cases {
		t.Run(c.token, func(t *testing.T) {
			ty, ok := Lookup(c.token)
			require.True(t, ok)
			out := resource.PropertyMap{"name": resource.NewProperty(c.name),
				"tags": resource.NewProperty(resource.PropertyMap{"team": resource.NewProperty("a")})}
			id := ty.Create(out, here)
			assert.Equal(t, c.id, id)
			assert.Equal(t, c.arn, out["arn"].StringValue())
			assert.Equal(t, out["tags"], out["tagsAll"], "tagsAll carries the tags")
			for _, p := range ty.Props {
				if !p.Input && p.Kind != Object {
					assert.Contains(t, out, resource.PropertyKey(p.Name), "every declared output is filled")
				}
			}
		})
	}
	q, _ := Lookup("aws:sqs/queue:Queue")
	out := resource.PropertyMap{"name": resource.NewProperty("jobs")}
	q.Create(out, here)
	assert.Equal(t, "https://sqs.eu-west-1.amazonaws.com/123456789012/jobs", out["url"].StringValue())
}

func TestCreateShapesOtherIDsLikeTheImportExample(t *testing.T) {
	ty, ok := Lookup("aws:ec2/vpcEndpoint:VpcEndpoint")
	require.True(t, ok)
	id := ty.Create(resource.PropertyMap{}, here)
	assert.Regexp(t, regexp.MustCompile(`^vpce-[0-9a-z]+$`), id)
	out := resource.PropertyMap{}
	id = ty.Create(out, here)
	assert.Equal(t, "arn:aws:ec2:eu-west-1:123456789012:vpc-endpoint/"+id, out["arn"].StringValue())
}

func TestUpdateKeepsTagsAllWithTags(t *testing.T) {
	ty, _ := Lookup("aws:sqs/queue:Queue")
	out := resource.PropertyMap{"tags": resource.NewProperty(resource.PropertyMap{"a": resource.NewProperty("b")})}
	ty.Update(out)
	assert.Equal(t, out["tags"], out["tagsAll"])
	delete(out, "tags")
	ty.Update(out)
	assert.Equal(t, resource.NewObjectProperty(resource.PropertyMap{}), out["tagsAll"])
}

// The table must come from the pulumi-aws version the program builds with;
// after bumping it in go.mod, run go generate ./sandbox/generic.
func TestTableMatchesGoMod(t *testing.T) {
	mod, err := os.ReadFile("../../go.mod")
	require.NoError(t, err)
	want := regexp.MustCompile(`github.com/pulumi/pulumi-aws/sdk/v6 (v\S+)`).FindSubmatch(mod)
	require.NotNil(t, want)
	zr, err := gzip.NewReader(bytes.NewReader(table))
	require.NoError(t, err)
	head, err := bufio.NewReader(zr).ReadString('\n')
	require.NoError(t, err)
	assert.Contains(t, head, "sdk/v6 "+string(want[1])+";", "run go generate ./sandbox/generic")
}

func TestRefuseNamesTheClosestType(t *testing.T) {
	err := Refuse("aws:sqs/queue:Queu")
	assert.EqualError(t, err, `resource type "aws:sqs/queue:Queu" does not exist in pulumi-aws v6; did you mean "aws:sqs/queue:Queue"?`)
}

func TestOnceReportsEachTypeOnce(t *testing.T) {
	var o Once
	assert.True(t, o.First("aws:sqs/queue:Queue"))
	assert.False(t, o.First("aws:sqs/queue:Queue"))
	assert.True(t, o.First("aws:dynamodb/table:Table"))
}
